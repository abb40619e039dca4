import type { CaseMeasures, ScoreResult } from "../scorers/scorer.ts";

/** Totals of an evaluation run. */
export interface EvalSummary {
	cases: number;
	passed: number;
	failed: number;
	passRate: number;
	byScorer: Record<string, { mean: number; passed: number; failed: number }>;
	totalTokens: number;
	costUsd: number;
}

/** An evaluation run as stored. */
export interface EvalRunRecord {
	id: string;
	name: string;
	/** The graph module or a label, for the record. */
	graph?: string | undefined;
	dataset?: string | undefined;
	/** A digest of the cases as given (sha256 of their JSON): resuming the run with other cases is refused. */
	casesDigest?: string | undefined;
	scorers: string[];
	/** While it runs: the process running it, `<host>:<pid>` (`weft eval list` tells one that has exited). */
	runner?: string | undefined;
	/** "failed" when `evaluate` threw (cancelled, or the store or a graph broke); the same run id resumes it. */
	status: "running" | "done" | "failed";
	startedAt: string;
	finishedAt?: string | undefined;
	summary?: EvalSummary | undefined;
	/** Why a failed run stopped: the error's code (when a Weft error) and message. */
	error?: { code?: string | undefined; message: string } | undefined;
}

/** One case's outcome (status "running" while it is under way: a crashed eval continues it). */
export interface CaseResult extends CaseMeasures {
	caseId: string;
	/** Position in the dataset. */
	index: number;
	threadId: string;
	status: "running" | "done" | "interrupted" | "error";
	output?: unknown;
	scores: Record<string, ScoreResult>;
	/** Every scorer passed (and the case ran to the end). */
	pass: boolean;
}

/** What feedback says and about what (as given by its author). */
export interface FeedbackFields {
	threadId: string;
	/** A checkpoint of the thread (default: the run as a whole). */
	checkpointId?: string | undefined;
	/** A number of your scale (e.g. 0..1, 1..5, -1/+1). */
	score?: number | undefined;
	label?: string | undefined;
	comment?: string | undefined;
	/** Who gave it. */
	by?: string | undefined;
}

/** Feedback on a run (a thread) or one of its checkpoints. */
export interface Feedback extends FeedbackFields {
	id: string;
	createdAt: string;
}

/** Which feedback to list. */
export interface FeedbackFilter {
	threadId?: string | undefined;
	checkpointId?: string | undefined;
	by?: string | undefined;
	label?: string | undefined;
	limit?: number | undefined;
}

/** Where evaluation results and feedback live: beside the threads, in tables of their own. */
export interface EvalStore {
	/** Inserts or replaces a run. */
	putRun(run: EvalRunRecord): Promise<void>;
	getRun(id: string): Promise<EvalRunRecord | undefined>;
	/** Newest first. */
	listRuns(limit?: number): Promise<EvalRunRecord[]>;
	/** Inserts or replaces a case result (by run and case id). */
	putCase(runId: string, result: CaseResult): Promise<void>;
	/** In dataset order. */
	listCases(runId: string): Promise<CaseResult[]>;
	addFeedback(feedback: Feedback): Promise<void>;
	/** Oldest first. */
	listFeedback(filter?: FeedbackFilter): Promise<Feedback[]>;
	close?(): Promise<void>;
}

/** Whether `f` passes `filter`. */
export function feedbackMatches(f: Feedback, filter: FeedbackFilter): boolean {
	return (
		(filter.threadId === undefined || f.threadId === filter.threadId) &&
		(filter.checkpointId === undefined ||
			f.checkpointId === filter.checkpointId) &&
		(filter.by === undefined || f.by === filter.by) &&
		(filter.label === undefined || f.label === filter.label)
	);
}

/** Results in memory: for tests and one-off evaluations. */
export class MemoryEvalStore implements EvalStore {
	#runs = new Map<string, EvalRunRecord>();
	#cases = new Map<string, Map<string, CaseResult>>();
	#feedback: Feedback[] = [];

	async putRun(run: EvalRunRecord): Promise<void> {
		this.#runs.set(run.id, structuredClone(run));
	}
	async getRun(id: string): Promise<EvalRunRecord | undefined> {
		const r = this.#runs.get(id);
		return r === undefined ? undefined : structuredClone(r);
	}
	async listRuns(limit = 100): Promise<EvalRunRecord[]> {
		return [...this.#runs.values()]
			.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
			.slice(0, limit)
			.map((r) => structuredClone(r));
	}
	async putCase(runId: string, result: CaseResult): Promise<void> {
		const m = this.#cases.get(runId) ?? new Map<string, CaseResult>();
		this.#cases.set(runId, m);
		m.set(result.caseId, structuredClone(result));
	}
	async listCases(runId: string): Promise<CaseResult[]> {
		return [...(this.#cases.get(runId)?.values() ?? [])]
			.sort((a, b) => a.index - b.index)
			.map((c) => structuredClone(c));
	}
	async addFeedback(feedback: Feedback): Promise<void> {
		this.#feedback.push(structuredClone(feedback));
	}
	async listFeedback(filter: FeedbackFilter = {}): Promise<Feedback[]> {
		return this.#feedback
			.filter((f) => feedbackMatches(f, filter))
			.slice(0, filter.limit ?? Number.POSITIVE_INFINITY)
			.map((f) => structuredClone(f));
	}
}

/** The feedback table's column values, in the order id, thread_id, checkpoint_id, by_whom, label, created_at, data. */
export function feedbackRow(f: Feedback): unknown[] {
	return [
		f.id,
		f.threadId,
		f.checkpointId ?? null,
		f.by ?? null,
		f.label ?? null,
		f.createdAt,
		JSON.stringify(f),
	];
}

/** A feedback filter as a WHERE clause ("" for none) and its arguments; `param(n)` spells the n-th placeholder. */
export function feedbackWhere(
	filter: FeedbackFilter,
	param: (n: number) => string,
): { sql: string; args: unknown[] } {
	const where: string[] = [];
	const args: unknown[] = [];
	const columns = [
		["thread_id", filter.threadId],
		["checkpoint_id", filter.checkpointId],
		["by_whom", filter.by],
		["label", filter.label],
	] as const;
	for (const [column, value] of columns) {
		if (value === undefined) continue;
		args.push(value);
		where.push(`${column} = ${param(args.length)}`);
	}
	return {
		sql: where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`,
		args,
	};
}
