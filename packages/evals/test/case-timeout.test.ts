// Outside check (evals, 7 Dec): a case whose graph hung held the whole eval until a signal stopped it.
// `caseTimeoutMs` cancels that case's run and records it as an error; the next cases go on (decision 0243).
import { isWeftError } from "@weft/checkpoint";
import { evaluate, exact, MemoryEvalStore } from "@weft/evals";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** Answers from a table; the question "stuck" never resolves, and its node ignores its signal. */
function stuckGraph() {
	const State = z.object({
		question: z.string(),
		answer: z.string().default(""),
	});
	return new StateGraph(State)
		.addNode("answer", async (s) => {
			if (s.question === "stuck") await new Promise(() => {});
			return { answer: s.question === "france" ? "Paris" : "4" };
		})
		.addEdge(START, "answer")
		.compile({ checkpointer: new MemoryCheckpointer() });
}

const dataset = [
	{ id: "stuck", input: { question: "stuck" }, expected: "Paris" },
	{ id: "france", input: { question: "france" }, expected: "Paris" },
	{ id: "sum", input: { question: "sum" }, expected: "4" },
];

describe("caseTimeoutMs", () => {
	it("cancels a case that hangs, records it as an error naming the limit, and goes on with the next cases", async () => {
		const store = new MemoryEvalStore();
		const report = await evaluate(stuckGraph(), dataset, [exact()], {
			runId: "t1",
			store,
			concurrency: 1,
			caseTimeoutMs: 300,
		});
		const [stuck, france, sum] = report.cases;
		expect(stuck).toMatchObject({
			caseId: "stuck",
			status: "error",
			pass: false,
		});
		expect(stuck!.error?.code).toBe("RUN_CANCELLED");
		expect(stuck!.error?.message).toContain("300 ms");
		expect(stuck!.error?.message).toContain("caseTimeoutMs");
		expect([france?.status, france?.pass, sum?.status, sum?.pass]).toEqual([
			"done",
			true,
			"done",
			true,
		]);
		expect(report.summary).toMatchObject({ cases: 3, passed: 2, failed: 1 });
		// stored as an error: a resume keeps it rather than running the hung case again
		expect((await store.getRun("t1"))?.status).toBe("done");
		expect((await store.listCases("t1"))[0]).toMatchObject({
			status: "error",
			error: { code: "RUN_CANCELLED" },
		});
	});

	it("a limit that is not a number > 0 is CONFIG_INVALID", async () => {
		for (const caseTimeoutMs of [0, -5, Number.NaN, "5s"]) {
			const error = await evaluate(stuckGraph(), dataset, [exact()], {
				caseTimeoutMs: caseTimeoutMs as number,
			}).catch((e) => e);
			expect(isWeftError(error, "CONFIG_INVALID"), String(caseTimeoutMs)).toBe(
				true,
			);
			expect(error.message).toContain("caseTimeoutMs");
			expect(error.hint).toEqual(expect.any(String));
		}
	});
});
