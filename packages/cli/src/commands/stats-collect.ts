// What `weft stats` reads from a store: each step's timing and usage (checkpoint metadata) and the errors
// recorded at each thread's head, summed per node, model and error code (`collectStats`).
import {
	type Checkpointer,
	type CheckpointSummary,
	isUnreadableData,
	type JsonValue,
} from "@weft/checkpoint";
import type { Feedback } from "@weft/evals";
import {
	emptyUsage,
	type RunUsage,
	readStepTiming,
	sumUsage,
} from "@weft/graph";
import {
	type FeedbackScope,
	type FeedbackStats,
	feedbackStats,
} from "./stats-feedback.ts";

/** Latency figures of one node or model, in milliseconds. */
export interface Latency {
	count: number;
	p50: number;
	p95: number;
	p99: number;
}

/** What `weft stats` reports (its `--json` output). */
export interface StatsReport {
	since: string | null;
	graph: string | null;
	threads: number;
	/**
	 * Per node: `count` its tasks (attempts that completed or failed; the error rates' denominator sums
	 * them), `errors` the failed ones, and latency percentiles over the completed ones (a failed task has
	 * no recorded duration).
	 */
	nodes: Array<{ node: string; errors: number } & Latency>;
	models: Array<
		{
			model: string;
			calls: number;
			inputTokens: number;
			outputTokens: number;
			cachedTokens: number;
			costUsd: number | null;
			/** Calls with no known cost, which `costUsd` leaves out. */
			unpricedCalls: number;
		} & Latency
	>;
	errors: Array<{ code: string; count: number; rate: number }>;
	/**
	 * Threads a read failed on (a damaged row: `CORRUPT_CHECKPOINT`): the figures read before it are in,
	 * the others left out; one such thread never hides the rest.
	 */
	unreadable: Array<{ threadId: string; error: string }>;
	/** What users said about these threads (`weft feedback`); absent when no feedback store was read. */
	feedback?: FeedbackStats;
}

interface Acc {
	threads: number;
	nodes: Map<string, number[]>;
	nodeErrors: Map<string, number>;
	models: Map<string, number[]>;
	errors: Map<string, number>;
	/** Only its `byModel` is counted. */
	usage: RunUsage;
	scope: FeedbackScope;
	unreadable: StatsReport["unreadable"];
}

/** Which threads `collectStats` covers, and the feedback to aggregate over them. */
export interface StatsFilter {
	since?: Date | undefined;
	graph?: string | undefined;
	/** Feedback recorded with `weft feedback` / `recordFeedback`: aggregated over the covered threads. */
	feedback?: readonly Feedback[] | undefined;
}

/** Reads the figures of every thread (and its subgraphs) updated since `since`, for one graph or all. */
export async function collectStats(
	cp: Checkpointer,
	filter: StatsFilter,
): Promise<StatsReport> {
	const since = filter.since?.toISOString();
	const acc: Acc = {
		threads: 0,
		nodes: new Map(),
		nodeErrors: new Map(),
		models: new Map(),
		errors: new Map(),
		usage: emptyUsage(),
		scope: { graphOf: new Map(), nodesAt: new Map() },
		unreadable: [],
	};
	for (const t of await cp.listThreads()) {
		if (since !== undefined && t.updatedAt < since) continue;
		try {
			await addThread(cp, t.threadId, filter, since, acc);
		} catch (error) {
			if (!isUnreadableData(error)) throw error;
			acc.unreadable.push({ threadId: t.threadId, error: error.message });
		}
	}
	const report = toReport(acc, filter);
	if (filter.feedback !== undefined)
		report.feedback = await feedbackStats(filter.feedback, acc.scope, since);
	return report;
}

/** One thread's figures: its steps' timing and usage (metadata), and the errors pending at its head. */
async function addThread(
	cp: Checkpointer,
	threadId: string,
	filter: StatsFilter,
	since: string | undefined,
	acc: Acc,
): Promise<void> {
	// the graph's name is recorded once a run (decision 0037): look for it before `since` too
	const all = await read(cp, threadId, "", undefined);
	if (filter.graph !== undefined && !all.some((c) => isOf(c, filter.graph!)))
		return;
	const root =
		since === undefined ? all : all.filter((c) => c.createdAt >= since);
	acc.threads++;
	acc.scope.graphOf.set(threadId, graphOf(all) ?? "(unnamed)");
	await addNamespace(cp, threadId, "", root, since, acc);
	const head = await cp.getTuple({ threadId });
	for (const w of head?.pendingWrites ?? [])
		if (w.kind === "error") addError(acc, w.node, w.code);
}

async function read(
	cp: Checkpointer,
	threadId: string,
	ns: string,
	since: string | undefined,
): Promise<CheckpointSummary[]> {
	const out: CheckpointSummary[] = [];
	for await (const c of cp.list({ threadId, ns }))
		if (since === undefined || c.createdAt >= since) out.push(c);
	return out;
}

/** Adds a namespace's checkpoints, then those of the subgraph namespaces its nodes may have written. */
async function addNamespace(
	cp: Checkpointer,
	threadId: string,
	ns: string,
	list: CheckpointSummary[],
	since: string | undefined,
	acc: Acc,
): Promise<void> {
	const children = new Set<string>();
	for (const c of list) {
		const timing = readStepTiming(c.metadata);
		if (ns === "") acc.scope.nodesAt.set(c.checkpointId, stepNodes(c, timing));
		for (const [node, ms] of Object.entries(timing?.nodes ?? {})) {
			push(acc.nodes, ns === "" ? node : `${ns}:${node}`, ms);
			children.add(ns === "" ? node : `${ns}:${node}`);
		}
		for (const [model, ms] of Object.entries(timing?.models ?? {}))
			push(acc.models, model, ms);
		for (const e of timing?.errors ?? [])
			addError(acc, ns === "" ? e.node : `${ns}:${e.node}`, e.code);
		// a subgraph's usage is counted in its parent's step: only the root's is summed
		if (ns === "") addUsage(acc, c.metadata.usage);
	}
	for (const child of children) {
		const childList = await read(cp, threadId, child, since);
		if (childList.length > 0)
			await addNamespace(cp, threadId, child, childList, since, acc);
	}
}

/** The graph a thread's checkpoints name: the compiled graph's name, else the recorded module ref. */
function graphOf(list: readonly CheckpointSummary[]): string | undefined {
	for (const c of list) {
		const name = readStepTiming(c.metadata)?.graph;
		if (name !== undefined && name !== "") return name;
	}
	const ref = list.find((c) => typeof c.metadata.graph === "string")?.metadata
		.graph;
	return typeof ref === "string" ? ref : undefined;
}

/** The nodes whose step wrote a checkpoint (recorded in its metadata, else in its timing). */
function stepNodes(
	c: CheckpointSummary,
	timing: ReturnType<typeof readStepTiming>,
): string[] {
	const nodes = c.metadata.nodes;
	if (Array.isArray(nodes))
		return nodes.filter((n): n is string => typeof n === "string");
	return Object.keys(timing?.nodes ?? {});
}

function isOf(c: CheckpointSummary, graph: string): boolean {
	if (readStepTiming(c.metadata)?.graph === graph) return true;
	const ref = c.metadata.graph;
	return (
		typeof ref === "string" && (ref === graph || ref.endsWith(`#${graph}`))
	);
}

function push(into: Map<string, number[]>, key: string, ms: number[]): void {
	const list = into.get(key);
	if (list === undefined) into.set(key, [...ms]);
	else list.push(...ms);
}

function addError(acc: Acc, node: string, code: string): void {
	acc.errors.set(code, (acc.errors.get(code) ?? 0) + 1);
	acc.nodeErrors.set(node, (acc.nodeErrors.get(node) ?? 0) + 1);
}

/** Adds a step's stored usage by model (the report's per-model figures) to the report's. */
function addUsage(acc: Acc, usage: JsonValue | undefined): void {
	if (typeof usage !== "object" || usage === null || Array.isArray(usage))
		return;
	const byModel = (usage as unknown as RunUsage).byModel ?? {};
	sumUsage(acc.usage, { ...emptyUsage(), byModel });
}

/** Nearest-rank percentiles of samples. */
export function latency(samples: readonly number[]): Latency {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (p: number) =>
		sorted.length === 0
			? 0
			: sorted[
					Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
				]!;
	return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99) };
}

function toReport(acc: Acc, filter: StatsFilter): StatsReport {
	const nodeNames = new Set([...acc.nodes.keys(), ...acc.nodeErrors.keys()]);
	const nodes = [...nodeNames].sort().map((node) => {
		const errors = acc.nodeErrors.get(node) ?? 0;
		const timed = latency(acc.nodes.get(node) ?? []);
		// a node's tasks are those that completed (timed) and those that failed, as in the error rates
		return { node, ...timed, count: timed.count + errors, errors };
	});
	const modelNames = new Set([
		...acc.models.keys(),
		...Object.keys(acc.usage.byModel),
	]);
	const models = [...modelNames].sort().map((model) => {
		const u = acc.usage.byModel[model];
		return {
			model,
			...latency(acc.models.get(model) ?? []),
			calls: u?.calls ?? 0,
			inputTokens: u?.inputTokens ?? 0,
			outputTokens: u?.outputTokens ?? 0,
			cachedTokens: u?.cachedTokens ?? 0,
			costUsd: u?.costUsd ?? null,
			unpricedCalls: u?.unpricedCalls ?? 0,
		};
	});
	// every node task, completed or failed: the sum of the nodes' counts
	const tasks = nodes.reduce((n, x) => n + x.count, 0);
	const errors = [...acc.errors]
		.sort((a, b) => b[1] - a[1])
		.map(([code, count]) => ({
			code,
			count,
			rate: tasks === 0 ? 0 : count / tasks,
		}));
	return {
		since: filter.since?.toISOString() ?? null,
		graph: filter.graph ?? null,
		threads: acc.threads,
		nodes,
		models,
		errors,
		unreadable: acc.unreadable,
	};
}
