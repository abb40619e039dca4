// A side journal that node code writes outside the checkpoint store: one line per node entry and per
// effect, with the writing process. Appends of short lines to an O_APPEND file are atomic on Linux, so
// several processes may write at once; duplicates stay countable.
import { appendFileSync, readFileSync } from "node:fs";

/** `model` and `answer` are the agent worker's (agent-worker.ts): a model call, an approval answer sent. */
export type JournalKind = "enter" | "effect" | "model" | "answer";

export interface JournalLine {
	kind: JournalKind;
	/** Idempotency key: thread, round and node (or the review's answer). */
	key: string;
	pid: number;
}

export function record(file: string, kind: JournalKind, key: string): void {
	appendFileSync(file, `${kind}\t${key}\t${process.pid}\n`);
}

export function readJournal(file: string): JournalLine[] {
	let text = "";
	try {
		text = readFileSync(file, "utf8");
	} catch {
		return [];
	}
	return text
		.split("\n")
		.filter((l) => l !== "")
		.map((l) => {
			const [kind, key, pid] = l.split("\t");
			return { kind: kind as JournalKind, key: key!, pid: Number(pid) };
		});
}

/** Keys written more than once. */
export function duplicates(lines: JournalLine[], kind: JournalKind): string[] {
	const seen = new Map<string, number>();
	for (const l of lines)
		if (l.kind === kind) seen.set(l.key, (seen.get(l.key) ?? 0) + 1);
	return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/**
 * The effects journaled for `threadId` (keys sorted) and the keys among them written more than once:
 * what every test checks after its thread finished.
 */
export function effectsOf(
	file: string,
	threadId: string,
): { keys: string[]; repeated: string[] } {
	const mine = readJournal(file).filter((l) =>
		l.key.startsWith(`${threadId}|`),
	);
	return {
		keys: mine
			.filter((l) => l.kind === "effect")
			.map((l) => l.key)
			.sort(),
		repeated: duplicates(mine, "effect"),
	};
}
