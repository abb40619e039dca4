import {
	mayBeWaiting,
	type WaitingRequest,
	waitingRequests,
} from "@weft/graph";
import { Command } from "commander";
import { noThread } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { plainValue } from "../render/messages.ts";
import { shortId } from "../render/output.ts";
import { table } from "../render/table.ts";
import { requestText } from "../run-display.ts";

/** `weft pending`: every request waiting for an answer, across threads (or in one). Reads no graph module. */
export async function pending(
	opts: { thread?: string },
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	let threads = (await checkpointer.listThreads()).filter(mayBeWaiting);
	if (opts.thread !== undefined) {
		const one = await checkpointer.getThread(opts.thread);
		if (one === undefined || one.heads.length === 0)
			throw noThread(opts.thread);
		threads = [one];
	}
	const rows: WaitingRequest[] = [];
	const unreadable: Array<{ threadId: string; error: string }> = [];
	for (const thread of threads) {
		try {
			for (const r of await waitingRequests(checkpointer, thread))
				rows.push({ ...r, value: plainValue(r.value) });
		} catch (error) {
			// one unreadable thread never hides the others
			unreadable.push({
				threadId: thread.threadId,
				error: error instanceof Error ? error.message : String(error),
			});
		}
	}
	env.out.result(rows, () =>
		rows.length === 0
			? "nothing is waiting for an answer"
			: table(
					["thread", "node", "interrupt", "request"],
					rows.map((r) => [
						r.branch > 1
							? `${r.threadId}\n(branch ${r.branch}: --checkpoint ${shortId(r.checkpointId)})`
							: r.threadId,
						r.node,
						r.id,
						requestText(r.value),
					]),
				),
	);
	for (const u of unreadable)
		process.stderr.write(
			`warning: could not read thread ${u.threadId}: ${u.error}\n`,
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
