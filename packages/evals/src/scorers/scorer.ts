import { isWeftError, WeftError } from "@weft/checkpoint";

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
	/**
	 * Set when the scorer failed (threw, or returned no valid score): its error's code (a value that is
	 * no score is VALIDATION_FAILED) and message. Such a score fails, and is left out of the scorer's mean.
	 */
	error?: { code?: string | undefined; message: string } | undefined;
}

/** The case as scorers see it. */
export interface ScoredCase {
	id: string;
	input: unknown;
	expected?: unknown;
}

/**
 * Scores one case run. A number in [0, 1] is a score (passing at ≥ 0.5 unless the scorer says otherwise), a
 * boolean a pass or fail; anything else fails the score with VALIDATION_FAILED, as a throw fails it.
 */
export interface Scorer {
	name: string;
	score(
		run: CaseRun,
		c: ScoredCase,
	): ScoreResult | number | boolean | Promise<ScoreResult | number | boolean>;
}

const isUnitScore = (v: unknown): v is number =>
	typeof v === "number" && v >= 0 && v <= 1; // NaN fails both

/** What a value that is no score is refused for, or undefined when it is one. */
function whyNoScore(value: unknown): string | undefined {
	if (typeof value === "boolean") return undefined;
	if (typeof value === "number")
		return isUnitScore(value) ? undefined : `${value} is not in [0, 1]`;
	if (typeof value !== "object" || value === null || Array.isArray(value))
		return `${describe(value)} is no score`;
	const v = value as Record<string, unknown>;
	if (!isUnitScore(v.score))
		return `its score ${describe(v.score)} is not a number in [0, 1]`;
	if (typeof v.pass !== "boolean")
		return `its pass ${describe(v.pass)} is not a boolean`;
	if (v.reason !== undefined && typeof v.reason !== "string")
		return `its reason ${describe(v.reason)} is not a string`;
	return undefined;
}

function describe(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (Array.isArray(value)) return "an array";
	return String(value);
}

/** Normalises what scorer `name` returned; anything but a score in [0, 1], a boolean or `{ score, pass, reason }` is VALIDATION_FAILED. */
export function toScore(name: string, value: unknown): ScoreResult {
	const why = whyNoScore(value);
	if (why !== undefined)
		throw new WeftError(
			"VALIDATION_FAILED",
			`scorer "${name}" returned no valid score: ${why}`,
			{
				hint: "return a number in [0, 1], a boolean, or { score: 0..1, pass: boolean, reason?: string }",
			},
		);
	if (typeof value === "boolean") return { score: value ? 1 : 0, pass: value };
	if (typeof value === "number") return { score: value, pass: value >= 0.5 };
	const { score, pass, reason } = value as ScoreResult;
	return reason === undefined ? { score, pass } : { score, pass, reason };
}

/** A failed score: what a scorer that threw (or returned no score) counts as. */
export function failedScore(error: unknown): ScoreResult {
	const message = error instanceof Error ? error.message : String(error);
	return {
		score: 0,
		pass: false,
		reason: `the scorer failed: ${message}`,
		error: { ...(isWeftError(error) ? { code: error.code } : {}), message },
	};
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
