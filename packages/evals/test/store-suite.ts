// One suite every evaluation store runs: runs, case results (upsert, order) and feedback.
import type { CaseResult, EvalStore } from "@weft/evals";
import { expect, it } from "vitest";

const result = (caseId: string, index: number, score: number): CaseResult => ({
	caseId,
	index,
	threadId: `r:${caseId}`,
	status: "done",
	output: { text: caseId },
	usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3, costUsd: 0.5 },
	latencyMs: 1,
	toolCalls: [{ name: "t", args: { q: 1 } }],
	answersUsed: 0,
	scores: { exact: { score, pass: score >= 0.5, reason: "r" } },
	pass: score >= 0.5,
});

export function evalStoreSuite(make: () => Promise<EvalStore>) {
	it("stores runs, newest first, and replaces a run by id", async () => {
		const store = await make();
		const base = { name: "n", scorers: ["exact"], status: "running" as const };
		await store.putRun({
			...base,
			id: "a",
			startedAt: "2026-01-01T00:00:00.000Z",
		});
		await store.putRun({
			...base,
			id: "b",
			startedAt: "2026-01-02T00:00:00.000Z",
		});
		await store.putRun({
			...base,
			id: "a",
			startedAt: "2026-01-01T00:00:00.000Z",
			status: "done",
		});
		expect((await store.listRuns()).map((r) => r.id)).toEqual(["b", "a"]);
		expect((await store.getRun("a"))?.status).toBe("done");
		expect(await store.getRun("zzz")).toBeUndefined();
		await store.close?.();
	});

	it("stores case results in dataset order, replacing by case id", async () => {
		const store = await make();
		await store.putCase("r", result("second", 1, 0));
		await store.putCase("r", result("first", 0, 0));
		await store.putCase("r", result("first", 0, 1));
		await store.putCase("other", result("x", 0, 1));
		expect(await store.listCases("r")).toEqual([
			result("first", 0, 1),
			result("second", 1, 0),
		]);
		await store.close?.();
	});

	it("stores feedback and filters it by thread, checkpoint, author and label", async () => {
		const store = await make();
		const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
		await store.addFeedback({
			id: "1",
			threadId: "t1",
			score: 1,
			label: "good",
			by: "ana",
			createdAt: at(1),
		});
		await store.addFeedback({
			id: "2",
			threadId: "t1",
			checkpointId: "c9",
			comment: "typo",
			by: "bo",
			createdAt: at(2),
		});
		await store.addFeedback({
			id: "3",
			threadId: "t2",
			score: 0,
			label: "bad",
			createdAt: at(3),
		});
		expect((await store.listFeedback()).map((f) => f.id)).toEqual([
			"1",
			"2",
			"3",
		]);
		expect(
			(await store.listFeedback({ threadId: "t1" })).map((f) => f.id),
		).toEqual(["1", "2"]);
		expect((await store.listFeedback({ checkpointId: "c9" }))[0]).toEqual({
			id: "2",
			threadId: "t1",
			checkpointId: "c9",
			comment: "typo",
			by: "bo",
			createdAt: at(2),
		});
		expect(
			(await store.listFeedback({ by: "ana", label: "good" })).map((f) => f.id),
		).toEqual(["1"]);
		expect((await store.listFeedback({ limit: 1 })).map((f) => f.id)).toEqual([
			"1",
		]);
		await store.close?.();
	});
}
