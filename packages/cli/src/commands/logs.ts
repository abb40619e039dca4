import { Command } from "commander";
import { branchChain, readTree } from "../branches.ts";
import { positiveInt } from "../cli-error.ts";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { costCell, label } from "../render/output.ts";
import { table, text } from "../render/table.ts";
import { shellWord } from "../store.ts";
import { type StepRecord, stepRecord } from "../store-events.ts";

/**
 * `weft logs <thread>`: a run's steps, oldest first, along one branch: nodes, wall time, tokens and cost
 * per node, tool calls. The token figures are the ones `weft usage` sums.
 */
export async function logs(
	threadId: string,
	opts: { branch?: string },
	env: CommandEnv,
): Promise<number> {
	const branch = positiveInt(opts.branch, "--branch") ?? 1;
	const checkpointer = await env.store("read");
	const tree = await readTree(checkpointer, threadId);
	const chain = branchChain(tree, threadId, branch);
	const records: StepRecord[] = [];
	for (const s of chain) records.push(await stepRecord(checkpointer, s));
	const rows: Array<Array<string | number>> = [];
	for (const r of records) {
		const nodes = r.nodes.length === 0 ? [r.source] : r.nodes;
		for (const [j, node] of nodes.entries()) {
			const u = r.byNode[node];
			rows.push([
				j === 0 ? r.step : "",
				node,
				j === 0 && r.durationMs !== undefined
					? `${(r.durationMs / 1000).toFixed(2)}s`
					: "",
				u?.calls ?? "",
				u?.inputTokens ?? "",
				u?.outputTokens ?? "",
				u?.costUsd === undefined ? "" : costCell(u.costUsd, u.unpricedCalls),
				j === 0 ? r.toolCalls.join("\n") : "",
			]);
		}
	}
	env.out.result(records, () =>
		[
			table(
				[
					"step",
					"node",
					"time",
					"calls",
					"input",
					"output",
					"cost",
					text("tool calls"),
				],
				rows,
			),
			label.dim(
				`time: the step's run time, its longest task (its nodes run in parallel; a wait for a human is not counted); totals: \`${WEFT}${env.storeFlags} usage ${shellWord(threadId)}\``,
			),
		].join("\n"),
	);
	return 0;
}

export const logsCommand = (act: Act) =>
	withExamples(
		new Command("logs")
			.argument("<thread>", "thread id")
			.description(
				"a run's steps, oldest first: nodes, time, model calls, tokens, cost, tool calls",
			)
			.option("--branch <n>", "which branch (default 1: the newest head's)")
			.action(
				act((env, thread: string, o: { branch?: string }) =>
					logs(thread, o, env),
				),
			),
		["weft logs office-1", "weft logs office-1 --branch 2 --json"],
	);
