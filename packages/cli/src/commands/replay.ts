import { Command } from "commander";
import { UsageError } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import { runAndReport } from "../run-display.ts";
import {
	type ContextOptions,
	givenContext,
	threadRunConfig,
} from "../thread-config.ts";

interface ReplayOptions extends ContextOptions {
	from?: string;
}

/**
 * `weft replay <thread> --from <cp>`: re-runs from a checkpoint as a new branch, running every task due
 * there again and ignoring results saved there (`graph.replay()`); `weft continue` reuses them.
 */
export async function replay(
	threadId: string,
	opts: ReplayOptions,
	env: CommandEnv,
): Promise<number> {
	if (opts.from === undefined)
		throw new UsageError(
			"replay needs --from <checkpoint|step>",
			`see \`weft history ${threadId}\` for steps and ids`,
		);
	const context = givenContext(opts);
	const checkpointer = await env.store();
	const { graph, ref } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const from = await resolveCheckpoint(checkpointer, threadId, opts.from);
	const config = await threadRunConfig(
		checkpointer,
		threadId,
		ref,
		context,
		from.checkpointId,
	);
	return runAndReport(
		env,
		threadId,
		`replaying thread ${threadId} from step ${from.step} as a new branch`,
		(mode) =>
			graph.streamReplay({
				...config,
				...mode,
				threadId,
				checkpointId: from.checkpointId,
			}),
	);
}

export const replayCommand = (act: Act) =>
	withExamples(
		new Command("replay")
			.argument("<thread>", "thread id")
			.description(
				"re-run from a checkpoint as a new branch: tasks due there run again (see `continue` to reuse them)",
			)
			.option(
				"--from <checkpoint|step>",
				"where to start (id, short id or step)",
			)
			.option(
				"--context <json|@file>",
				"user context (default: the one saved with the thread)",
			)
			.option(
				"--scopes <list>",
				"comma-separated tool scopes (replace the saved ones)",
			)
			.action(
				act((env, thread: string, o: ReplayOptions) => replay(thread, o, env)),
			),
		[
			"weft replay office-1 --from 2",
			"weft replay office-1 --from 4f1c2a9b3d7e --json",
		],
	);
