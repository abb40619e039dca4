// The corrupt-row fuzz as numbered cases: every corruption × every read path, on one store.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "@weft/graph";
import { CORRUPTIONS, targetOf } from "./corruptions.ts";
import type { FuzzStore } from "./fuzz-store.ts";

export const READ_PATHS = {
	getState: (s: FuzzStore, id: string) => s.graph.getState({ threadId: id }),
	getStateHistory: async (s: FuzzStore, id: string) => {
		for await (const _ of s.graph.getStateHistory({ threadId: id })) {
			// read every checkpoint's state
		}
	},
	listThreads: (s: FuzzStore) => s.cp.listThreads(),
	getThread: (s: FuzzStore, id: string) => s.cp.getThread(id),
	heads: (s: FuzzStore, id: string) => s.cp.heads({ threadId: id }),
	resume: (s: FuzzStore, id: string) =>
		s.graph.run(new Command({ resume: { action: "approve" } }), {
			threadId: id,
		}),
	prune: (s: FuzzStore, id: string) => s.graph.prune(id, { keepLast: 1 }),
} as const;

export type ReadPath = keyof typeof READ_PATHS;
const PATHS = Object.keys(READ_PATHS) as ReadPath[];
/** Paths that read the state itself: they must fail on a corruption that breaks it. */
const STATE_PATHS: ReadPath[] = ["getState", "getStateHistory", "resume"];

export const CORRUPT_CASES = CORRUPTIONS.length * PATHS.length;

export function describeCorruptCase(i: number): string {
	const c = CORRUPTIONS[Math.floor(i / PATHS.length)]!;
	return `${c.name} × ${PATHS[i % PATHS.length]}`;
}

const ready = new Set<number>();

/** Runs case i; resolves with "silent" when a broken state was read without an error. */
export async function runCorruptCase(
	s: FuzzStore,
	dir: string,
	i: number,
): Promise<"ok" | "silent"> {
	const k = Math.floor(i / PATHS.length);
	const path = PATHS[i % PATHS.length]!;
	const corruption = CORRUPTIONS[k]!;
	const threadId = `corrupt-${k}`;
	// each corruption gets one thread; a runner restarted after a hang finds it already corrupted
	const marker = join(dir, `corrupted-${s.kind}-${k}`);
	if (!ready.has(k) && !existsSync(marker)) {
		await s.graph.run({ rounds: 1 }, { threadId });
		await corruption.apply(s.raw!, await targetOf(s.cp, threadId));
		writeFileSync(marker, "");
	}
	ready.add(k);
	await READ_PATHS[path](s, threadId);
	return corruption.breaksState && STATE_PATHS.includes(path) ? "silent" : "ok";
}
