import type { CheckpointSummary, ThreadStatus } from "@weft/checkpoint";
import { threadUsage, type UsageTotals } from "@weft/graph";
import { noThread, UsageError } from "../cli-error.ts";
import type { CommandEnv } from "../env.ts";
import { graphOfThread } from "../load-graph.ts";
import { label, shortId } from "../render/output.ts";
import { renderStateDiff } from "../render/state-diff.ts";
import { table } from "../render/table.ts";
import { resolveCheckpoint } from "../resolve-checkpoint.ts";

const STATUSES = ["running", "interrupted", "done", "failed", "cancelled"];

/** `weft threads`: status, steps, last update; reads no state. */
export async function threads(
	opts: { status?: string; limit?: string },
	env: CommandEnv,
): Promise<number> {
	if (opts.status !== undefined && !STATUSES.includes(opts.status)) {
		throw new UsageError(
			`unknown status "${opts.status}"`,
			`use one of ${STATUSES.join(", ")}`,
		);
	}
	const list = await (await env.store()).listThreads({
		status: opts.status as ThreadStatus | undefined,
		limit: opts.limit === undefined ? undefined : Number(opts.limit),
	});
	env.out.result(list, () =>
		list.length === 0
			? "no threads yet: run a graph with `weft run <module>`"
			: table(
					["thread", "status", "step", "checkpoints", "updated"],
					list.map((t) => [
						t.threadId,
						label.status(t.status),
						t.step,
						t.checkpoints,
						t.updatedAt,
					]),
				),
	);
	return 0;
}

/** `weft history <thread>`: the thread's checkpoints, newest first, from metadata only. */
export async function history(
	threadId: string,
	opts: { limit?: string },
	env: CommandEnv,
): Promise<number> {
	const rows: CheckpointSummary[] = [];
	const limit = opts.limit === undefined ? undefined : Number(opts.limit);
	for await (const s of (await env.store()).list({ threadId }, { limit }))
		rows.push(s);
	if (rows.length === 0) throw noThread(threadId);
	env.out.result(rows, () =>
		table(
			["step", "checkpoint", "source", "node(s)", "changed", "next", "time"],
			rows.map((s) => [
				s.step,
				shortId(s.checkpointId),
				s.source,
				(s.metadata.nodes ?? []).join(", "),
				(s.metadata.changed ?? []).join(", "),
				(s.metadata.next ?? []).join(", ") || label.dim("(end)"),
				s.createdAt.replace("T", " ").slice(0, 19),
			]),
		),
	);
	return 0;
}

/** `weft usage <thread>`: tokens, calls and cost over all the thread's runs, by model and by node. */
export async function usage(
	threadId: string,
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const { value } = await checkpointer
		.list({ threadId }, { limit: 1 })
		[Symbol.asyncIterator]()
		.next();
	if (value === undefined) throw noThread(threadId);
	const total = await threadUsage(checkpointer, threadId);
	const row = (name: string, t: UsageTotals) => [
		name,
		t.calls,
		t.inputTokens,
		t.outputTokens,
		t.cachedTokens,
		t.costUsd === undefined ? label.dim("–") : `$${t.costUsd.toFixed(6)}`,
	];
	env.out.result(total, () =>
		total.calls === 0
			? `thread ${threadId} made no model calls`
			: table(
					["", "calls", "input", "output", "cached", "cost"],
					[
						row(label.bold("total"), total),
						...Object.entries(total.byModel).map(([m, t]) =>
							row(`model ${m}`, t),
						),
						...Object.entries(total.byNode).map(([n, t]) =>
							row(`node ${n}`, t),
						),
					],
				),
	);
	return 0;
}

/** `weft show <thread> [--at checkpoint|step]`: the state and what is due. */
export async function show(
	threadId: string,
	opts: { at?: string },
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const { graph } = await graphOfThread(checkpointer, threadId, env.graph);
	const checkpointId =
		opts.at === undefined
			? undefined
			: (await resolveCheckpoint(checkpointer, threadId, opts.at)).checkpointId;
	const state = await graph.getState({ threadId, checkpointId });
	env.out.result(state, () =>
		[
			`${label.bold(`thread ${threadId}`)} · step ${state.step} · ${state.source} · checkpoint ${state.checkpointId}`,
			`next: ${state.next.join(", ") || "(end)"}`,
			...state.interrupts.map(
				(i) =>
					label.status("interrupted") +
					` at "${i.node}" (${i.id}): ${JSON.stringify(i.value)}`,
			),
			JSON.stringify(state.values, null, 2),
		].join("\n"),
	);
	return 0;
}

/** `weft diff <thread> <a> <b>`: what changed between two checkpoints. */
export async function diff(
	threadId: string,
	a: string,
	b: string,
	env: CommandEnv,
): Promise<number> {
	const checkpointer = await env.store();
	const { graph } = await graphOfThread(checkpointer, threadId, env.graph);
	const [from, to] = await Promise.all([
		resolveCheckpoint(checkpointer, threadId, a),
		resolveCheckpoint(checkpointer, threadId, b),
	]);
	const configs = [from, to].map((c) => ({
		threadId,
		checkpointId: c.checkpointId,
	}));
	if (env.out.json) {
		env.out.result(await graph.diffStates(configs[0]!, configs[1]!), () => "");
		return 0;
	}
	const [x, y] = await Promise.all(configs.map((c) => graph.getState(c)));
	env.out.line(
		`${label.bold("diff")} step ${from.step} (${shortId(from.checkpointId)}) → step ${to.step} (${shortId(to.checkpointId)})`,
	);
	env.out.line(renderStateDiff(x!.values, y!.values));
	return 0;
}
