// API.md "Human checkpoints and interrupts": sentences not covered by interrupts.test.ts.
import {
	Command,
	human,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

describe("API.md: ctx.interrupt(value) pauses the run and persists it", () => {
	it("pauses a node that does not await the call: its update is dropped, and it runs again on resume", async () => {
		const runs: unknown[] = [];
		const graph = new StateGraph(S)
			.addNode("ask", (_s, ctx) => {
				const answer = ctx.interrupt("ok?");
				runs.push(answer instanceof Promise ? "asked" : answer);
				return { log: ["after the question"] };
			})
			.addNode("after", () => ({ log: ["after"] }))
			.addEdge(START, "ask")
			.addEdge("ask", "after")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		expect(paused).toMatchObject({
			status: "interrupted",
			values: { log: [] },
			interrupts: [{ node: "ask", value: "ok?" }],
		});
		expect((await graph.getState({ threadId: "t" })).interrupts).toEqual(
			paused.interrupts,
		);
		const done = await graph.run(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done).toMatchObject({
			status: "done",
			values: { log: ["after the question", "after"] },
		});
		expect(runs).toEqual(["asked", "asked"]);
	});

	it("pauses an async node that returns before its human checkpoint's answer", async () => {
		const review = human("review", {
			request: z.object({ draft: z.string() }),
			response: z.object({ action: z.enum(["approve", "reject"]) }),
		});
		let answer: unknown;
		const graph = new StateGraph(S)
			.addNode("review", async (_s, ctx) => {
				const asked = review.ask(ctx, { draft: "d" });
				asked.then(
					(a) => {
						answer = a;
					},
					() => {},
				);
				return { log: ["reviewed"] };
			})
			.addEdge(START, "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "h" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts).toEqual([
			{
				id: expect.any(String),
				node: "review",
				value: { human: "review", request: { draft: "d" } },
			},
		]);
		expect(paused.values.log).toEqual([]);
		const done = await graph.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "h" },
		);
		expect(done.status).toBe("done");
		expect(answer).toEqual({ action: "approve" });
	});
});
