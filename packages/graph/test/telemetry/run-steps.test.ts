// `weft.steps` on a run span counts the supersteps the run started: one per `weft.step` span, also for a
// run cancelled or failed in the middle of a step; `RunResult.steps` and the stream's `end` event count
// the same.
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { one, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

const State = z.object({ n: z.number() });

/** A graph whose node cancels the run, then waits for its signal. */
function cancelling(stop: AbortController) {
	return new StateGraph(State)
		.addNode("wait", async (_s, ctx) => {
			stop.abort();
			await new Promise((_r, reject) => {
				if (ctx.signal.aborted) reject(ctx.signal.reason);
				ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
			});
			return { n: 1 };
		})
		.addEdge(START, "wait")
		.addEdge("wait", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name: "c" });
}

describe("weft.steps on the run span", () => {
	it("a done run: its steps, as RunResult.steps", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({ n: 1 }))
			.addNode("b", () => ({ n: 2 }))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.addEdge("b", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "ok" });
		const r = await graph.run({ n: 0 }, { threadId: "d" });
		expect(r.steps).toBe(2);
		expect(one(otel.spans(), "weft.run ok").attributes["weft.steps"]).toBe(2);
	});

	it("counts the step it was cancelled in: weft.steps is the number of weft.step spans", async () => {
		const stop = new AbortController();
		await cancelling(stop).run(
			{ n: 0 },
			{ threadId: "c2", signal: stop.signal },
		);
		const spans = otel.spans();
		const steps = spans.filter((s) => s.name === "weft.step");
		expect(steps).toHaveLength(1);
		expect(one(spans, "weft.run c").attributes).toMatchObject({
			"weft.run.status": "cancelled",
			"weft.steps": 1,
		});
	});

	it("a cancelled run's RunResult.steps and stream end event count the step it was cancelled in, as weft.steps (decision 0088)", async () => {
		const stop = new AbortController();
		const r = await cancelling(stop).run(
			{ n: 0 },
			{ threadId: "c4", signal: stop.signal },
		);
		expect(r).toMatchObject({ status: "cancelled", steps: 1 });
		expect(one(otel.spans(), "weft.run c").attributes["weft.steps"]).toBe(1);
		const again = new AbortController();
		const ends: number[] = [];
		for await (const ev of cancelling(again).stream(
			{ n: 0 },
			{ threadId: "c5", signal: again.signal },
		))
			if (ev.type === "end") ends.push(ev.result.steps);
		expect(ends).toEqual([1]);
	});

	it("a failed run counts its steps too", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({ n: 1 }))
			.addNode("boom", () => {
				throw new Error("boom");
			})
			.addEdge(START, "a")
			.addEdge("a", "boom")
			.addEdge("boom", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "two" });
		await expect(graph.run({ n: 0 }, { threadId: "c3" })).rejects.toThrow();
		const spans = otel.spans();
		expect(spans.filter((s) => s.name === "weft.step")).toHaveLength(2);
		expect(one(spans, "weft.run two").attributes["weft.steps"]).toBe(2);
	});

	it("a failed run's span has what it spent, its failed step's model calls included", async () => {
		const graph = new StateGraph(State)
			.addNode("ask", (_s, ctx) => {
				ctx.reportUsage({
					model: "m",
					inputTokens: 40,
					outputTokens: 4,
					costUsd: 0.01,
				});
				ctx.reportUsage({ model: "unlisted", inputTokens: 1 });
				throw new Error("down");
			})
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer(), name: "spent" });
		await expect(graph.run({ n: 0 }, { threadId: "f" })).rejects.toThrow();
		expect(one(otel.spans(), "weft.run spent").attributes).toMatchObject({
			"weft.run.status": "failed",
			"gen_ai.usage.input_tokens": 41,
			"gen_ai.usage.output_tokens": 4,
			"weft.cost_usd": 0.01,
			"weft.unpriced_calls": 1,
		});
	});
});
