// What `evaluate` refuses before any case runs: its arguments, the cases' thread ids, and a resumed run
// given other cases or scorers than it was started with.
import { createHash } from "node:crypto";
import {
	keysOf,
	MAX_ID_LENGTH,
	refuseUnknownKeys,
	validateId,
	WeftError,
} from "@weft/checkpoint";
import type { EvalCase } from "./dataset.ts";
import type { EvaluateOptions } from "./evaluate.ts";
import { badArgument } from "./scorers/arguments.ts";
import type { Scorer } from "./scorers/scorer.ts";
import type { EvalRunRecord } from "./store/eval-store.ts";

/** What `evaluate` reads: a misspelt option (`stroe`) would leave the run in memory, unsaid. */
const OPTION_KEYS = keysOf<EvaluateOptions>({
	runId: true,
	name: true,
	store: true,
	concurrency: true,
	input: true,
	output: true,
	graphRef: true,
	metadata: true,
	dataset: true,
	signal: true,
	clock: true,
	leaseWaitMs: true,
	caseTimeoutMs: true,
	onLeaseHeld: true,
	onCase: true,
});

const kindOf = (v: unknown) =>
	v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;

/** The graph and the options are what `evaluate` calls: refused up front, not as a TypeError mid-run. */
export function checkArguments(graph: unknown, options: EvaluateOptions): void {
	const g = graph as Record<string, unknown> | null;
	if (
		g === null ||
		typeof g !== "object" ||
		typeof g.run !== "function" ||
		typeof g.withCheckpointer !== "function"
	)
		badArgument(
			`evaluate's graph must be a compiled graph, got ${kindOf(graph)}`,
			"pass the result of new StateGraph(…).compile()",
		);
	if (options === null || typeof options !== "object")
		badArgument(
			`evaluate's options must be an object, got ${kindOf(options)}`,
			"pass { runId, store, concurrency, … }, or leave options out",
		);
	refuseUnknownKeys(options, OPTION_KEYS, "evaluate");
	for (const key of [
		"input",
		"output",
		"clock",
		"onCase",
		"onLeaseHeld",
	] as const) {
		const v: unknown = options[key];
		if (v !== undefined && typeof v !== "function")
			badArgument(
				`evaluate's options.${key} must be a function, got ${kindOf(v)}`,
				`pass a function for ${key}, or leave it out`,
			);
	}
	const store: unknown = options.store;
	if (store !== undefined && store !== null) {
		const missing = (
			["getRun", "putRun", "listCases", "putCase"] as const
		).filter(
			(m) => typeof (store as Record<string, unknown>)[m] !== "function",
		);
		if (missing.length > 0)
			badArgument(
				`evaluate's options.store must be an eval store, got ${kindOf(store)} without ${missing.join(", ")}`,
				"pass new MemoryEvalStore(), new SqliteEvalStore(…) (@weft/evals/sqlite) or await PostgresEvalStore.connect(…) (@weft/evals/postgres), or leave it out",
			);
	}
	const leaseWaitMs: unknown = options.leaseWaitMs;
	if (
		leaseWaitMs !== undefined &&
		(typeof leaseWaitMs !== "number" ||
			!Number.isFinite(leaseWaitMs) ||
			leaseWaitMs < 0)
	)
		badArgument(
			`evaluate's options.leaseWaitMs must be a finite number >= 0, got ${typeof leaseWaitMs === "string" ? JSON.stringify(leaseWaitMs) : String(leaseWaitMs)}`,
			"give the milliseconds to wait for a crashed run's lease on a case's thread, or leave it out for 60 000",
		);
	const caseTimeoutMs: unknown = options.caseTimeoutMs;
	if (
		caseTimeoutMs !== undefined &&
		(typeof caseTimeoutMs !== "number" ||
			!Number.isFinite(caseTimeoutMs) ||
			caseTimeoutMs <= 0)
	)
		badArgument(
			`evaluate's options.caseTimeoutMs must be a finite number > 0, got ${typeof caseTimeoutMs === "string" ? JSON.stringify(caseTimeoutMs) : String(caseTimeoutMs)}`,
			"give the milliseconds one case may take (60_000 for a minute), or leave it out for no limit",
		);
	const runId: unknown = options.runId;
	if (runId !== undefined && (typeof runId !== "string" || runId === ""))
		badArgument(
			`evaluate's runId must be a non-empty string, got ${JSON.stringify(runId)}`,
			'name the run, like "baseline" (its cases run in threads "<runId>:<case id>"), or leave it out for a fresh id',
		);
	// run "a" with case "b:c" and run "a:b" with case "c" would share the thread "a:b:c"
	if (typeof runId === "string" && runId.includes(":"))
		badArgument(
			`evaluate's runId ${JSON.stringify(runId)} holds a ":", which separates the run from the case in its threads' ids ("<runId>:<case id>")`,
			'name the run without ":", like "v2" or "baseline-2"',
		);
}

/** Each case's thread (`<runId>:<case id>`) must be an id the store takes: refused before any case runs. */
export function checkThreadIds(
	runId: string,
	cases: readonly EvalCase[],
): void {
	for (const [i, c] of cases.entries())
		try {
			validateId(`${runId}:${c.id}`);
		} catch (error) {
			throw new WeftError(
				"DATASET_INVALID",
				`dataset, case ${i + 1} (id ${JSON.stringify(c.id.length > 40 ? `${c.id.slice(0, 40)}…` : c.id)}): its thread id "${runId}:<id>" cannot be stored: ${(error as WeftError).message.replace(/^[^:]*: /, "")}`,
				{
					hint: `give the case a shorter id without NUL (a thread id is at most ${MAX_ID_LENGTH - runId.length - 1} characters after "${runId}:")`,
				},
			);
		}
}

/**
 * What a run's cases were (a digest of them as parsed), so that a resumed run is given the same ones;
 * undefined when a case holds what JSON cannot say (then nothing is checked).
 */
export function casesDigest(cases: readonly EvalCase[]): string | undefined {
	try {
		return createHash("sha256").update(JSON.stringify(cases)).digest("hex");
	} catch {
		return undefined;
	}
}

/** A resumed run keeps its finished cases: given other cases, its record would mix two datasets. */
export function checkSameCases(
	prior: EvalRunRecord,
	digest: string | undefined,
	cases: readonly EvalCase[],
	dataset: string | undefined,
): void {
	if (
		prior.casesDigest === undefined ||
		digest === undefined ||
		prior.casesDigest === digest
	)
		return;
	const was = prior.summary?.cases;
	badArgument(
		`evaluation run "${prior.id}" ran on other cases${was === undefined ? "" : ` (${was})`}${prior.dataset === undefined ? "" : ` from ${prior.dataset}`}; this call gives ${cases.length}${dataset === undefined ? "" : ` from ${dataset}`}, and the run's finished cases would keep their old results`,
		"pass the run's cases unchanged to resume it, or give this evaluation a new runId",
	);
}

/** A resumed run keeps its finished cases' scores: other scorers would mix two runs in one report (decision 0158). */
export function checkSameScorers(
	prior: EvalRunRecord,
	scorers: readonly Scorer[],
): void {
	const before = [...prior.scorers].sort();
	const now = scorers.map((s) => s.name).sort();
	if (JSON.stringify(before) === JSON.stringify(now)) return;
	badArgument(
		`evaluation run "${prior.id}" was scored with ${before.join(", ") || "no scorer"}; this call scores with ${now.join(", ") || "no scorer"}, and the run's finished cases would keep their old scores`,
		"pass the run's scorers to resume it, or give this evaluation a new runId",
	);
}

export function checkScorers(scorers: readonly Scorer[]): void {
	if (!Array.isArray(scorers))
		badArgument(
			`evaluate's scorers must be a list, got ${kindOf(scorers)}`,
			"pass scorers as an array, like [exact(), contains()]",
		);
	// with none, every case that ran to its end "passed": all green for a run that measured nothing
	if (scorers.length === 0)
		badArgument(
			"evaluate was given no scorer: every case that ran would pass, whatever its output",
			'give at least one scorer: exact(), contains(), regex(re), jsonSchema(schema), toolCalled(name), costBudget(usd), latencyBudget(ms), llmJudge({ model, rubric }) or scorer("name", fn)',
		);
	for (const [i, s] of scorers.entries()) {
		const sc = s as unknown as Record<string, unknown> | null;
		if (
			sc === null ||
			typeof sc !== "object" ||
			typeof sc.name !== "string" ||
			typeof sc.score !== "function"
		)
			badArgument(
				`evaluate's scorers[${i}] is not a scorer (got ${kindOf(s)} without a name and a score function)`,
				'pass built-in scorers such as exact(), or scorer("name", fn)',
			);
	}
	const seen = new Set<string>();
	for (const s of scorers) {
		if (seen.has(s.name))
			throw new WeftError(
				"CONFIG_INVALID",
				`two scorers are named "${s.name}"`,
				{
					hint: 'give one of them another name: { ...scorer, name: "other" }',
				},
			);
		seen.add(s.name);
	}
}
