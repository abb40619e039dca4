import { addCost } from "@weft/checkpoint";
import type { CaseResult, EvalSummary } from "./store/eval-store.ts";

/** Pass counts, pass rate, per-scorer means (over the scores whose scorer did not fail), tokens and cost over case results. */
export function summarize(cases: readonly CaseResult[]): EvalSummary {
	// Maps, not objects: a scorer may be named "constructor" or "__proto__".
	const byScorer = new Map<string, EvalSummary["byScorer"][string]>();
	const scored = new Map<string, number>();
	let totalTokens = 0;
	let costUsd = 0;
	for (const c of cases) {
		totalTokens += c.usage.totalTokens;
		costUsd = addCost(costUsd, c.usage.costUsd ?? 0);
		for (const [name, s] of Object.entries(c.scores)) {
			const row = byScorer.get(name) ?? { mean: 0, passed: 0, failed: 0 };
			byScorer.set(name, row);
			if (s.error === undefined) {
				row.mean += s.score;
				scored.set(name, (scored.get(name) ?? 0) + 1);
			}
			if (s.pass) row.passed += 1;
			else row.failed += 1;
		}
	}
	// A failed scorer's score is no measurement: the mean is over valid scores (0 when there is none).
	for (const [name, row] of byScorer) {
		const n = scored.get(name);
		row.mean = n === undefined ? 0 : row.mean / n;
	}
	const passed = cases.filter((c) => c.pass).length;
	return {
		cases: cases.length,
		passed,
		failed: cases.length - passed,
		passRate: cases.length === 0 ? 0 : passed / cases.length,
		byScorer: Object.fromEntries(byScorer),
		totalTokens,
		costUsd,
	};
}
