// The feedback part of `weft stats` (issue 16): what users said about the runs the report covers, per
// graph, per node and per thread, next to latency, errors and usage.
import type { Feedback } from "@weft/evals";
import { label } from "../render/output.ts";
import { table, words } from "../render/table.ts";

/** Feedback totals of one group (a graph, a node or a thread). */
export interface FeedbackRow {
	key: string;
	count: number;
	scored: number;
	/** Mean of the scores given (null when none has a score). */
	meanScore: number | null;
	labels: Record<string, number>;
}

/** Feedback in `weft stats`: all of it, then per graph, per node and per thread. */
export interface FeedbackStats {
	total: FeedbackRow | null;
	byGraph: FeedbackRow[];
	/** Feedback on a checkpoint counts for the node(s) whose step wrote it; feedback on a run for none. */
	byNode: FeedbackRow[];
	byThread: FeedbackRow[];
}

/** What the report knows of the threads it covers: their graph, and the nodes of each checkpoint's step. */
export interface FeedbackScope {
	graphOf: Map<string, string>;
	nodesAt: Map<string, string[]>;
}

/**
 * Aggregates the feedback given on the threads in `scope`, since `since`. `@weft/evals` (and the zod it
 * loads) is imported here, not by every `weft` command at start.
 */
export async function feedbackStats(
	feedback: readonly Feedback[],
	scope: FeedbackScope,
	since: string | undefined,
): Promise<FeedbackStats> {
	const { aggregateFeedback } = await import("@weft/evals");
	const covered = feedback.filter(
		(f) =>
			scope.graphOf.has(f.threadId) &&
			(since === undefined || f.createdAt >= since),
	);
	const rows = (by: (f: Feedback) => string | string[] | undefined) =>
		aggregateFeedback(covered, by)
			.map((g) => ({ ...g, meanScore: g.meanScore ?? null }))
			.sort((a, b) => a.key.localeCompare(b.key));
	return {
		total: rows(() => "all")[0] ?? null,
		byGraph: rows((f) => scope.graphOf.get(f.threadId)),
		byNode: rows((f) =>
			f.checkpointId === undefined
				? undefined
				: scope.nodesAt.get(f.checkpointId),
		),
		byThread: rows((f) => f.threadId),
	};
}

/** The feedback table of `weft stats`. */
export function renderFeedback(f: FeedbackStats): string {
	if (f.total === null) return label.dim("no feedback");
	const line = (kind: string, r: FeedbackRow) => [
		kind,
		r.key,
		r.count,
		r.scored,
		r.meanScore === null ? label.dim("–") : Number(r.meanScore.toFixed(3)),
		Object.entries(r.labels)
			.map(([l, n]) => `${l} ${n}`)
			.join(", "),
	];
	return table(
		["feedback", "on", "count", "scored", "mean score", words("labels")],
		[
			line("all", f.total),
			...f.byGraph.map((r) => line("graph", r)),
			...f.byNode.map((r) => line("node", r)),
			...f.byThread.map((r) => line("thread", r)),
		],
	);
}
