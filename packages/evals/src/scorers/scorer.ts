/** What the graph did on one case: what scorers look at. */
export interface CaseRun extends CaseMeasures {
	caseId: string;
	threadId: string;
	status: "done" | "interrupted" | "error";
	/** The final state. */
	values: unknown;
	/** What the scorers compare: `output(values)` (default: the last AI message's text, else `answer`, else the state). */
	output: unknown;
}

/** What a case's runs cost and did (shared by a scored case and its stored result). */
export interface CaseMeasures {
	error?: { code?: string | undefined; message: string } | undefined;
	usage: {
		inputTokens: number;
		outputTokens: number;
		totalTokens: number;
		costUsd?: number | undefined;
	};
	/** Wall time of the case's runs in this process (the injected clock's, in tests). */
	latencyMs: number;
	/** Tool calls the model asked for, in order. */
	toolCalls: { name: string; args: Record<string, unknown> }[];
	/** Human checkpoints answered from the case's `answers`. */
	answersUsed: number;
}

/** A scorer's verdict: a score in [0, 1], whether it passes, and why. */
export interface ScoreResult {
	score: number;
	pass: boolean;
	reason?: string | undefined;
}

/** The case as scorers see it. */
export interface ScoredCase {
	id: string;
	input: unknown;
	expected?: unknown;
}

/** Scores one case run. A number is a score (passing at ≥ 0.5 unless the scorer says otherwise), a boolean a pass or fail. */
export interface Scorer {
	name: string;
	score(
		run: CaseRun,
		c: ScoredCase,
	): ScoreResult | number | boolean | Promise<ScoreResult | number | boolean>;
}

/** Normalises what a scorer returned. */
export function toScore(value: ScoreResult | number | boolean): ScoreResult {
	if (typeof value === "boolean") return { score: value ? 1 : 0, pass: value };
	if (typeof value === "number") {
		const score = Math.min(1, Math.max(0, value));
		return { score, pass: score >= 0.5 };
	}
	return value;
}

/** Text of any output: strings as they are, the rest as JSON. */
export function textOf(value: unknown): string {
	return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

/** A verdict from a check. */
export const verdict = (pass: boolean, reason: string): ScoreResult => ({
	score: pass ? 1 : 0,
	pass,
	reason,
});
