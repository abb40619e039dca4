import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { graphOfThread } from "../load-graph.ts";
import { runAndReport } from "../run-display.ts";
import { refuseFinished, storedContext } from "../thread-config.ts";

/**
 * `weft recover <thread>`: continues a thread whose runner died (status `stale`): takes over its lease
 * and runs on from its last checkpoint, with the context saved with the thread.
 */
export async function recover(
	threadId: string,
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const { graph, ref } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	await refuseFinished(checkpointer, threadId, "recover");
	// a paused thread is not stale: recovering it would only run the asking node again to ask again
	if ((await checkpointer.getThread(threadId))?.status === "interrupted")
		throw new UsageError(
			`thread "${threadId}" is waiting for an answer, not stale: nothing to recover`,
			`see what it asks with \`${WEFT} pending --thread ${threadId}\`, then answer with \`${WEFT} approve ${threadId}\` (or reject, resume)`,
		);
	const context = await storedContext(checkpointer, threadId);
	const config = {
		...(context === undefined ? {} : { context }),
		metadata: {
			graph: ref,
			...(context === undefined ? {} : { context: JSON.stringify(context) }),
		},
	};
	// graph.recover() is a run of null on the thread: streamed, so its steps show as `continue`'s do
	return runAndReport(env, threadId, `recovering thread ${threadId}`, (mode) =>
		graph.stream(null, { ...config, ...mode, threadId }),
	);
}

export const recoverCommand = (act: Act) =>
	withExamples(
		new Command("recover")
			.argument("<thread>", "thread id")
			.description(
				"continue a thread whose runner stopped (status `stale`) from its last checkpoint",
			)
			.action(act((env, thread: string) => recover(thread, env))),
		["weft threads --status stale", "weft recover office-1"],
	);
