import {
	type CaseResult,
	type Comparison,
	compareRuns,
	type EvalCase,
	type EvalReport,
	evaluate,
	exact,
	type Feedback,
	type HeldLease,
	llmJudge,
	MemoryEvalStore,
	recordFeedback,
	type Scorer,
	scorer,
	toolCalled,
} from "@weft/evals";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { ScriptedChatModel } from "@weft/graph/llm";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";

const graph = new StateGraph(z.object({ q: z.string() }))
	.addNode("a", () => ({}))
	.addEdge(START, "a")
	.compile({ checkpointer: new MemoryCheckpointer() });

describe("@weft/evals types", () => {
	it("evaluate takes a compiled graph, cases and scorers, and returns a report", () => {
		const cases: EvalCase[] = [
			{
				id: "1",
				input: { q: "x" },
				expected: "y",
				answers: [{ action: "approve" }],
			},
		];
		expectTypeOf(
			evaluate(graph, cases, [exact(), toolCalled("search", { q: 1 })]),
		).resolves.toEqualTypeOf<EvalReport>();
		expectTypeOf<EvalReport["cases"]>().toEqualTypeOf<CaseResult[]>();
		// @ts-expect-error scorers are objects with a name and a score function, not functions
		evaluate(graph, cases, [() => 1]);
		// @ts-expect-error a case needs an id
		const bad: EvalCase = { input: 1 };
		void bad;
	});

	it("a case's time limit and the lease a resumed case finds", () => {
		const cases: EvalCase[] = [{ id: "1", input: { q: "x" } }];
		void evaluate(graph, cases, [exact()], {
			caseTimeoutMs: 30_000,
			onLeaseHeld: (held) => {
				expectTypeOf(held).toEqualTypeOf<HeldLease>();
				expectTypeOf(held.exited).toEqualTypeOf<boolean>();
				expectTypeOf(held.expiresAt).toEqualTypeOf<string>();
			},
		});
		// @ts-expect-error a limit is milliseconds, not a duration text
		void evaluate(graph, cases, [exact()], { caseTimeoutMs: "30s" });
	});

	it("custom scorers and the judge are Scorers", () => {
		expectTypeOf(
			scorer("len", (run) => String(run.output).length < 10),
		).toEqualTypeOf<Scorer>();
		expectTypeOf(
			llmJudge({ model: new ScriptedChatModel(["{}"]), rubric: "r" }),
		).toEqualTypeOf<Scorer>();
		// @ts-expect-error the judge needs a rubric
		llmJudge({ model: new ScriptedChatModel(["{}"]) });
		// a scale is a [min, max] pair
		llmJudge({
			model: new ScriptedChatModel(["{}"]),
			rubric: "r",
			scale: [1, 5],
		});
		// @ts-expect-error a scale has two ends
		llmJudge({ model: new ScriptedChatModel(["{}"]), rubric: "r", scale: [5] });
	});

	it("feedback and comparisons", () => {
		const store = new MemoryEvalStore();
		expectTypeOf(
			recordFeedback(store, { threadId: "t", score: 1 }),
		).resolves.toEqualTypeOf<Feedback>();
		expectTypeOf(
			compareRuns(store, "a", "b"),
		).resolves.toEqualTypeOf<Comparison>();
		// @ts-expect-error a score is a number
		recordFeedback(store, { threadId: "t", score: "good" });
	});
});
