import { type Scorer, verdict } from "./scorer.ts";

/** The case's model calls cost at most `maxUsd` (a case with no known price fails, saying so). */
export function costBudget(maxUsd: number): Scorer {
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
	return { name, score: fn };
}
