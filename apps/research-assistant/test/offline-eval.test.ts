import { evaluate, loadDataset } from "@weft/evals";
import { describe, expect, it } from "vitest";
import {
	datasetPath,
	evalInput,
	evalOutput,
	graph,
	scorers,
} from "../evals/offline-eval.ts";

describe("research assistant: offline evaluation on its labelled dataset", () => {
	it("passes every case: the reports mention what was asked and cite the right speech", {
		timeout: 120_000,
	}, async () => {
		const dataset = await loadDataset(datasetPath);
		const report = await evaluate(graph, dataset, scorers, {
			input: evalInput,
			output: evalOutput,
			concurrency: 2,
		});
		const failures = report.cases
			.filter((c) => !c.pass)
			.map((c) => ({
				case: c.caseId,
				status: c.status,
				error: c.error,
				scores: c.scores,
			}));
		expect(failures).toEqual([]);
		expect(report.cases.every((c) => c.answersUsed === 1)).toBe(true); // each report was approved
		expect(report.summary.passRate).toBe(1);
	});
});
