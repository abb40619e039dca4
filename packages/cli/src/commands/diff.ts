import { Command } from "commander";
import { readTree } from "../branches.ts";
import { positiveInt } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import { stateDiffData } from "../diff-data.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { label, shortId } from "../render/output.ts";
import { renderStateDiff } from "../render/state-diff.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";

/**
 * `weft diff <thread> <a> <b>`: what changed between two checkpoints. Step numbers count along one
 * branch (`--branch`, default 1); ids may name checkpoints on any branch.
 */
export async function diff(
	threadId: string,
	a: string,
	b: string,
	opts: { branch?: string },
	env: CommandEnv,
): Promise<number> {
	const branch = positiveInt(opts.branch, "--branch");
	const checkpointer = await env.store("read");
	const tree = await readTree(checkpointer, threadId);
	const [from, to] = [
		await resolveCheckpoint(checkpointer, threadId, a, branch, tree),
		await resolveCheckpoint(checkpointer, threadId, b, branch, tree),
	];
	const { graph } = await graphOfThread(
		checkpointer,
		threadId,
		env.graph,
		env.base,
	);
	const configs = [from, to].map((c) => ({
		threadId,
		checkpointId: c.checkpointId,
	}));
	const [x, y] = await Promise.all(configs.map((c) => graph.getState(c)));
	if (env.out.json) {
		env.out.result(
			stateDiffData(
				x!.values as Record<string, unknown>,
				y!.values as Record<string, unknown>,
			),
			() => "",
		);
		return 0;
	}
	const on = (id: string) =>
		tree.heads.length > 1
			? ` [branch ${(tree.branchesOf.get(id) ?? []).join(",")}]`
			: "";
	env.out.line(
		`${label.bold("diff")} step ${from.step} (${shortId(from.checkpointId)})${on(from.checkpointId)} → step ${to.step} (${shortId(to.checkpointId)})${on(to.checkpointId)}`,
	);
	env.out.line(
		renderStateDiff(
			x!.values as Record<string, unknown>,
			y!.values as Record<string, unknown>,
		),
	);
	return 0;
}

export const diffCommand = (act: Act) =>
	withExamples(
		new Command("diff")
			.argument("<thread>", "thread id")
			.argument("<a>", "from: checkpoint id, short id or step")
			.argument("<b>", "to: checkpoint id, short id or step")
			.description(
				"what changed between two checkpoints (messages compared by id)",
			)
			.option(
				"--branch <n>",
				"count steps along branch n (default 1: the newest head's)",
			)
			.action(
				act(
					(env, thread: string, a: string, b: string, o: { branch?: string }) =>
						diff(thread, a, b, o, env),
				),
			),
		[
			"weft diff office-1 1 3",
			"weft diff office-1 4f1c2a9b3d7e 9a0b1c2d3e4f --json",
			"weft diff office-1 1 2 --branch 2",
		],
	);
