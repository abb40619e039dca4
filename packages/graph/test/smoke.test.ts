import { MemoryCheckpointer } from "@weft/checkpoint";
import { Command, END, human, reducer, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	topic: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	count: z.number().default(0),
});

describe("smoke", () => {
	it("runs the API example", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(State)
			.addNode("plan", (s) => ({ count: s.count + 1 }))
			.addNode("work", async (s, ctx) => ({
				notes: [`${s.topic}#${ctx.step}`],
			}))
			.addEdge(START, "plan")
			.addConditionalEdges("plan", (s) => (s.count < 3 ? "work" : END))
			.addEdge("work", "plan")
			.compile({ checkpointer });
		const result = await graph.run({ topic: "t" }, { threadId: "t1" });
		expect(result.status).toBe("done");
		expect(result.values).toEqual({
			topic: "t",
			notes: ["t#2", "t#4"],
			count: 3,
		});
		const history = [];
		for await (const s of graph.getStateHistory({ threadId: "t1" }))
			history.push(s);
		expect(history.map((h) => h.step)).toEqual([5, 4, 3, 2, 1, 0]);
		expect(history[5]!.values).toEqual({ topic: "t", notes: [], count: 0 });
		const at2 = history.find((h) => h.step === 2)!;
		expect(at2.values.notes).toEqual(["t#2"]);
		const fork = await graph.updateState(
			{ threadId: "t1", checkpointId: at2.checkpointId },
			{ topic: "u" },
			{ asNode: "work" },
		);
		const forked = await graph.invoke(null, {
			threadId: "t1",
			checkpointId: fork.checkpointId,
		});
		expect(forked.notes).toEqual(["t#2", "u#5"]);
		const diff = await graph.diffStates(
			{ threadId: "t1", checkpointId: result.checkpointId! },
			{ threadId: "t1", checkpointId: fork.checkpointId },
		);
		expect(diff.length).toBeGreaterThan(0);
	});

	it("pauses at a human checkpoint and resumes", async () => {
		const review = human("review", {
			request: z.object({ draft: z.string() }),
			response: z.discriminatedUnion("action", [
				z.object({ action: z.literal("approve") }),
				z.object({ action: z.literal("reject"), reason: z.string() }),
			]),
		});
		const S = z.object({
			draft: z.string().default(""),
			verdict: z.string().default(""),
		});
		let effects = 0;
		const graph = new StateGraph(S)
			.addNode("write", () => ({ draft: "hello" }))
			.addNode("review", async (s, ctx) => {
				await ctx.once("mail", () => ++effects);
				const answer = await review.ask(ctx, { draft: s.draft });
				return { verdict: answer.action };
			})
			.addEdge(START, "write")
			.addEdge("write", "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "h" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts).toHaveLength(1);
		await expect(
			graph.run(new Command({ resume: { action: "nope" } }), { threadId: "h" }),
		).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
		expect((await graph.getState({ threadId: "h" })).interrupts).toHaveLength(
			1,
		);
		const done = await graph.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "h" },
		);
		expect(done.status).toBe("done");
		expect(done.values.verdict).toBe("approve");
		expect(effects).toBe(1);
	});
});
