import { badArgument, isText, shown } from "./arguments.ts";
import { type Scorer, verdict } from "./scorer.ts";

/** A budget's limit is a finite number >= 0 (NaN would pass every case, a negative one fail every one). */
function checkLimit(scorer: string, limit: unknown, unit: string): void {
	if (typeof limit !== "number" || !Number.isFinite(limit) || limit < 0)
		badArgument(
			`${scorer}'s limit must be a finite number >= 0 (${unit}), got ${shown(limit)}`,
			`pass the most a case may ${unit === "USD" ? "cost, e.g. costBudget(0.01)" : "take, e.g. latencyBudget(2000)"}`,
		);
}

/** The case's model calls cost at most `maxUsd` (a case with no known price fails, saying so). */
export function costBudget(maxUsd: number): Scorer {
	checkLimit("costBudget", maxUsd, "USD");
	return {
		name: "cost",
		score(run) {
			const cost = run.usage.costUsd;
			if (cost === undefined)
				return run.usage.totalTokens === 0
					? verdict(true, "no model calls")
					: verdict(false, "no price known for the models used");
			return verdict(cost <= maxUsd, `$${cost.toFixed(6)} of $${maxUsd}`);
		},
	};
}

/** The case's runs took at most `maxMs` (measured with `evaluate`'s clock). */
export function latencyBudget(maxMs: number): Scorer {
	checkLimit("latencyBudget", maxMs, "ms");
	return {
		name: "latency",
		score(run) {
			return verdict(
				run.latencyMs <= maxMs,
				`${Math.round(run.latencyMs)} ms of ${maxMs} ms`,
			);
		},
	};
}

/** A scorer from a function: return a score in [0, 1], a boolean, or `{ score, pass, reason }`. */
export function scorer(name: string, fn: Scorer["score"]): Scorer {
	if (!isText(name))
		badArgument(
			`scorer's name must be a non-empty string, got ${shown(name)}`,
			'name it for what it checks, e.g. scorer("polite", fn)',
		);
	if (typeof fn !== "function")
		badArgument(
			`scorer "${name}": its score must be a function, got ${shown(fn)}`,
			"pass (run, c) => a score in [0, 1], a boolean, or { score, pass, reason }",
		);
	return { name, score: fn };
}
