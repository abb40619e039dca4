import { type Interrupt, pendingInterrupts } from "@weft/graph";
import { Command } from "commander";
import { readTree } from "../branches.ts";
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
	// A thread's status follows the branch that ran last: a request can wait on any other head, so
	// every thread with more than one head is read too (one head: its status says it all).
	const ids =
		opts.thread !== undefined
			? [opts.thread]
			: (await checkpointer.listThreads())
					.filter((t) => t.status === "interrupted" || t.heads.length > 1)
					.map((t) => t.threadId);
	const rows: Array<
		Interrupt & { threadId: string; checkpointId: string; branch: number }
	> = [];
	const unreadable: Array<{ threadId: string; error: string }> = [];
	for (const threadId of ids) {
		try {
			const tree = await readTree(checkpointer, threadId);
			for (const [n, head] of tree.heads.entries()) {
				const tuple = await checkpointer.getTuple({
					threadId,
					checkpointId: head,
				});
				if (tuple !== undefined)
					for (const i of pendingInterrupts(tuple))
						rows.push({
							threadId,
							checkpointId: head,
							branch: n + 1,
							...i,
							value: plainValue(i.value),
						});
			}
		} catch (error) {
			// one unreadable thread never hides the others
			unreadable.push({
				threadId,
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
