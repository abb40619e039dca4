import { evaluate, exact, loadDataset, parseJsonl } from "@weft/evals";
import { describe, expect, it } from "vitest";
import { graph, main } from "./evaluate-graph.ts";

describe("evals examples run offline", () => {
	it("evaluates, judges and records feedback", async () => {
		const { report, byLabel } = await main();
		expect(report.summary).toMatchObject({ cases: 2, passed: 2, passRate: 1 });
		expect(Object.keys(report.summary.byScorer)).toEqual([
			"exact",
			"contains",
			"judge",
		]);
		expect(report.cases[0]?.threadId).toBe("baseline:france");
		expect(byLabel.map((g) => [g.key, g.meanScore])).toEqual([
			["helpful", 1],
			["too terse", 0],
		]);
	});

	// #region ci-gate
	it("answers as well as before (fails CI on a regression)", async () => {
		const cases = parseJsonl(
			'{"id": "france", "input": {"question": "capital of France?"}, "expected": "Paris", "answers": [{"action": "approve"}]}',
		); // or: await loadDataset("evals/cases.jsonl")
		const report = await evaluate(graph, cases, [exact()]);
		expect(report.summary.passRate).toBeGreaterThanOrEqual(0.9);
	});
	// #endregion ci-gate

	it("loadDataset reads JSON Lines files", () => {
		expect(typeof loadDataset).toBe("function");
	});
});
