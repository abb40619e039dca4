import { Command } from "commander";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import { runAndReport } from "../run-display.ts";
import {
	type ContextOptions,
	givenContext,
	refuseFinished,
	threadRunConfig,
} from "../thread-config.ts";

interface ContinueOptions extends ContextOptions {
	from?: string;
}

/**
 * `weft continue <thread> [--from cp]`: resumes a stopped head (cancelled, failed, or a fork written
 * by `weft fork`), reusing the work saved at it: `graph.invoke(null, { threadId, checkpointId })`.
 */
export async function continueThread(
	threadId: string,
	opts: ContinueOptions,
	env: CommandEnv,
): Promise<number> {
	const context = givenContext(opts);
	const checkpointer = await env.store();
	const { graph, ref } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const from =
		opts.from === undefined
			? undefined
			: await resolveCheckpoint(checkpointer, threadId, opts.from);
	await refuseFinished(checkpointer, threadId, "continue", from?.checkpointId);
	const config = await threadRunConfig(
		checkpointer,
		threadId,
		ref,
		context,
		from?.checkpointId,
	);
	// the title once the run started (as recover's): a thread another runner holds prints the refusal alone
	return runAndReport(
		env,
		threadId,
		`continuing thread ${threadId}${from === undefined ? "" : ` from step ${from.step}`}`,
		(mode) =>
			graph.stream(null, {
				...config,
				...mode,
				...(from === undefined ? {} : { checkpointId: from.checkpointId }),
			}),
		{ afterStart: true },
	);
}

export const continueCommand = (act: Act) =>
	withExamples(
		new Command("continue")
			.argument("<thread>", "thread id")
			.description(
				"continue a stopped run (cancelled, failed, or a fork) from its head, reusing saved work",
			)
			.option(
				"--from <checkpoint|step>",
				"continue from this checkpoint (default: the newest)",
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
				act((env, thread: string, o: ContinueOptions) =>
					continueThread(thread, o, env),
				),
			),
		["weft continue office-1", "weft continue office-1 --from 4f1c2a9b3d7e"],
	);
