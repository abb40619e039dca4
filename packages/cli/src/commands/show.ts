import { Command } from "commander";
import { branchChain, readTree } from "../branches.ts";
import { positiveInt } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { plainValue } from "../render/messages.ts";
import { label } from "../render/output.ts";
import { stateText } from "../render/values.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";
import { requestText } from "../run-display.ts";

/** `weft show <thread> [--at checkpoint|step]`: the state, what is due, what waits for an answer. */
export async function show(
	threadId: string,
	opts: { at?: string; branch?: string },
	env: CommandEnv,
): Promise<number> {
	const branch = positiveInt(opts.branch, "--branch");
	const checkpointer = await env.store("read");
	const { graph } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const tree = await readTree(checkpointer, threadId);
	// --branch alone: that branch's head (without it, the newest checkpoint)
	const checkpointId =
		opts.at !== undefined
			? (await resolveCheckpoint(checkpointer, threadId, opts.at, branch, tree))
					.checkpointId
			: branch !== undefined
				? branchChain(tree, threadId, branch).at(-1)!.checkpointId
				: undefined;
	const state = await graph.getState({ threadId, checkpointId });
	env.out.result(plainValue(state), () =>
		[
			`${label.bold(`thread ${threadId}`)} · step ${state.step} · ${state.source} · checkpoint ${state.checkpointId}`,
			`next: ${state.next.join(", ") || "(end)"}`,
			...Object.values(state.errors ?? {}).map(
				(e) =>
					`${label.status("failed")} at "${e.node}": ${e.code} ${e.message}`,
			),
			...state.interrupts.map(
				(i) =>
					`${label.status("interrupted")} at "${i.node}" (${i.id}): ${requestText(i.value)}`,
			),
			stateText(state.values as Record<string, unknown>),
		].join("\n"),
	);
	return 0;
}

export const showCommand = (act: Act) =>
	withExamples(
		new Command("show")
			// API.md's package table names the command `inspect`
			.alias("inspect")
			.argument("<thread>", "thread id")
			.description(
				"the state of a thread at a checkpoint (default: the newest); messages as `role: text`",
			)
			.option("--at <checkpoint|step>", "checkpoint id, short id or step")
			.option(
				"--branch <n>",
				"count --at steps along branch n; alone: branch n's head (see `weft history`)",
			)
			.action(
				act((env, thread: string, o: { at?: string; branch?: string }) =>
					show(thread, o, env),
				),
			),
		[
			"weft show office-1",
			"weft show office-1 --at 2",
			"weft show office-1 --at 1 --branch 2 --json",
		],
	);
