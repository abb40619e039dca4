import { isWeftError } from "@weft/checkpoint";
import {
	mayBeWaiting,
	type WaitingRequest,
	waitingRequests,
} from "@weft/graph";
import { Command } from "commander";
import pc from "picocolors";
import { noThread } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { plainValue } from "../render/messages.ts";
import { shortId, stderrLine } from "../render/output.ts";
import { table, text } from "../render/table.ts";
import { tableWidth } from "../render/terminal.ts";
import { indent, oneLine } from "../render/values.ts";
import { wrapNames, wrapWords } from "../render/wrap-cell.ts";
import { requestText } from "../run-display.ts";

/** Columns a request takes in the table (a longer one is printed whole under it). */
const SUMMARY = 60;

/** `weft pending`: every request waiting for an answer, across threads (or in one). Reads no graph module. */
export async function pending(
	opts: { thread?: string },
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store("read");
	let threads = (await checkpointer.listThreads()).filter(mayBeWaiting);
	if (opts.thread !== undefined) {
		const one = await checkpointer.getThread(opts.thread);
		if (one === undefined || one.heads.length === 0)
			throw noThread(opts.thread);
		threads = [one];
	}
	const rows: WaitingRequest[] = [];
	const unreadable: Array<{ threadId: string; error: Error }> = [];
	for (const thread of threads) {
		// a damaged head never hides the other threads' requests, nor those of its thread's other branches
		for (const r of await waitingRequests(checkpointer, thread, {
			unreadable: (error) =>
				unreadable.push({ threadId: thread.threadId, error }),
		}))
			rows.push({ ...r, value: plainValue(r.value) });
	}
	// asked about one thread, none of whose requests read: "nothing is waiting" would be a guess (its
	// damaged head may hold one), so the read's error (CORRUPT_CHECKPOINT, naming the checkpoint) it is
	if (opts.thread !== undefined && rows.length === 0 && unreadable.length > 0)
		throw unreadable[0]!.error;
	// an encrypted store read without its key (nothing decrypts) is no damaged thread: "nothing is waiting"
	// would be a guess; one thread that does not decrypt (a key rotated out) is left out as a damaged one
	const locked = unreadable.filter((u) =>
		isWeftError(u.error, "DECRYPTION_FAILED"),
	);
	if (
		locked.length > 0 &&
		locked.length === threads.length &&
		rows.length === 0
	)
		throw locked[0]!.error;
	env.out.result(rows, () => {
		if (rows.length === 0) return "nothing is waiting for an answer";
		// the table shows each request on one short line; a longer one (a draft to review) follows it
		// whole, as text, under its thread and interrupt
		const texts = rows.map((r) => requestText(r.value));
		const summaries = texts.map((t) => oneLine(t, SUMMARY));
		const overview = table(
			["thread", "node", "interrupt", text("request")],
			rows.map((r, i) => [
				r.branch > 1
					? `${r.threadId}\n(branch ${r.branch}: --checkpoint ${shortId(r.checkpointId)})`
					: r.threadId,
				r.node,
				r.id,
				summaries[i]!,
			]),
		);
		const whole = rows.flatMap((r, i) =>
			summaries[i] === texts[i]!.replace(/\s+/g, " ").trim()
				? []
				: [
						`${pc.bold(wrapNames(`${r.threadId} · ${r.node} · ${r.id}`, tableWidth()))}\n${indent(wrapWords(texts[i]!, tableWidth() - 2), "  ")}`,
					],
		);
		return [overview, ...whole].join("\n\n");
	});
	for (const u of unreadable)
		stderrLine(
			`warning: could not read thread ${u.threadId}: ${u.error.message}`,
		);
	return 0;
}

export const pendingCommand = (act: Act) =>
	withExamples(
		new Command("pending")
			.description("requests waiting for a human answer, across threads")
			.option("--thread <id>", "only this thread")
			.action(act((env, o: { thread?: string }) => pending(o, env))),
		["weft pending", "weft pending --thread office-1 --json"],
	);
