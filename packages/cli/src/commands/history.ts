import { Command } from "commander";
import { branchChain, readTree } from "../branches.ts";
import { positiveInt } from "../cli-error.ts";
import { pasteable } from "../cli-hints.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { label, shortId, stderrLine } from "../render/output.ts";
import { table, words } from "../render/table.ts";
import { shellWord } from "../store.ts";

/**
 * `weft history <thread>`: the thread's checkpoints, newest first, from metadata only, each marked
 * with the branches it lies on (branch 1 ends at the newest head). A checkpoint whose row cannot be read
 * is left out with a warning, and the ones before it are listed (the way past it: `weft replay --from`).
 */
export async function history(
	threadId: string,
	opts: { limit?: string; branch?: string },
	env: CommandEnv,
): Promise<number> {
	const limit = positiveInt(opts.limit, "--limit");
	const branch = positiveInt(opts.branch, "--branch");
	const tree = await readTree(await env.store("read"), threadId);
	if (branch !== undefined) branchChain(tree, threadId, branch);
	const heads = new Set(tree.heads);
	const headLabel = (id: string) =>
		tree.beforeDamaged.has(id) ? " (head damaged)" : " (head)";
	const rows = tree.all
		.filter(
			(s) =>
				branch === undefined ||
				(tree.branchesOf.get(s.checkpointId) ?? []).includes(branch),
		)
		.slice(0, limit)
		.map((s) => ({
			...s,
			branches: tree.branchesOf.get(s.checkpointId) ?? [],
			head: heads.has(s.checkpointId),
		}));
	const many = tree.heads.length > 1;
	env.out.result(rows, () =>
		[
			table(
				[
					"step",
					"checkpoint",
					...(many ? ["branch"] : []),
					"source",
					words("node(s)"),
					words("wrote"),
					words("next"),
					"time",
				],
				rows.map((s) => [
					s.step,
					shortId(s.checkpointId),
					...(many
						? [
								`${s.branches.join(",")}${s.head ? headLabel(s.checkpointId) : ""}`,
							]
						: []),
					s.source,
					(s.metadata.nodes ?? []).join(", "),
					(s.metadata.changed ?? []).join(", "),
					(s.metadata.next ?? []).join(", ") || label.dim("(end)"),
					s.createdAt.replace("T", " ").slice(0, 19),
				]),
			),
			...(many
				? [
						label.dim(
							pasteable(
								`${tree.heads.length} branches; steps count along a branch: \`weft show ${shellWord(threadId)} --at ${tree.chains[1]!.at(-1)!.step} --branch 2\`, \`weft history ${shellWord(threadId)} --branch 2\``,
								env.storeFlags,
							),
						),
					]
				: []),
		].join("\n"),
	);
	for (const d of tree.damaged)
		stderrLine(
			`warning: checkpoint ${shortId(d.checkpointId)} could not be read and is left out (${d.error}); the checkpoints before it are listed: ${pasteable(`run on from one with \`weft replay ${shellWord(threadId)} --from <step>\``, env.storeFlags)}`,
		);
	return 0;
}

export const historyCommand = (act: Act) =>
	withExamples(
		new Command("history")
			.argument("<thread>", "thread id")
			.description(
				"a thread's checkpoints, newest first: step, id, branch, source, nodes, keys written, next, time",
			)
			.option("--limit <n>", "at most n checkpoints")
			.option(
				"--branch <n>",
				"only the checkpoints of branch n (1: the newest head's)",
			)
			.action(
				act((env, thread: string, o: { limit?: string; branch?: string }) =>
					history(thread, o, env),
				),
			),
		["weft history office-1", "weft history office-1 --branch 2 --limit 10"],
	);
