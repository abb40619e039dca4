import type { CaseResult, EvalSummary } from "./store/eval-store.ts";

/** Pass counts, pass rate, per-scorer means, tokens and cost over case results. */
export function summarize(cases: readonly CaseResult[]): EvalSummary {
	const byScorer: EvalSummary["byScorer"] = {};
	let totalTokens = 0;
	let costUsd = 0;
	for (const c of cases) {
		totalTokens += c.usage.totalTokens;
		costUsd += c.usage.costUsd ?? 0;
		for (const [name, s] of Object.entries(c.scores)) {
			const row = byScorer[name] ?? { mean: 0, passed: 0, failed: 0 };
			byScorer[name] = row;
			row.mean += s.score;
			if (s.pass) row.passed += 1;
			else row.failed += 1;
		}
	}
	for (const row of Object.values(byScorer))
		row.mean /= row.passed + row.failed;
	const passed = cases.filter((c) => c.pass).length;
	return {
		cases: cases.length,
		passed,
		failed: cases.length - passed,
		passRate: cases.length === 0 ? 0 : passed / cases.length,
		byScorer,
		totalTokens,
		costUsd,
	};
}
