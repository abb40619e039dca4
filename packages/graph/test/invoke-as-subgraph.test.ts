import {
	Command,
	isWeftError,
	MemoryCheckpointer,
	type NodeContext,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// The child's state shares no key with the parent's: the calling node maps it in and out.
const Research = z.object({
	question: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	answer: z.string().default(""),
});

function research(counts: { look: number }) {
	return new StateGraph(Research)
		.addNode("look", (s) => {
			counts.look++;
			return { notes: [`found ${s.question}`] };
		})
		.addNode("check", async (s, ctx) => {
			const verdict = await ctx.interrupt<string>({ notes: s.notes });
			return { answer: `${s.notes.join("; ")} (${verdict})` };
		})
		.addEdge(START, "look")
		.addEdge("look", "check")
		.compile();
}

const Desk = z.object({ topic: z.string(), report: z.string().default("") });

describe("graph.invokeAsSubgraph(ctx, input)", () => {
	it("runs another graph from a node, pauses the caller at its interrupt and resumes inside it", async () => {
		const counts = { look: 0 };
		const child = research(counts);
		const checkpointer = new MemoryCheckpointer();
		const desk = new StateGraph(Desk)
			.addNode("delegate", async (s, ctx) => {
				const out = await child.invokeAsSubgraph(ctx, { question: s.topic });
				return { report: out.answer };
			})
			.addEdge(START, "delegate")
			.compile({ checkpointer });

		const paused = await desk.run({ topic: "tides" }, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts[0]?.value).toEqual({ notes: ["found tides"] });
		expect((await desk.getState({ threadId: "t" })).interrupts).toHaveLength(1);
		const inner = [];
		for await (const c of checkpointer.list({ threadId: "t", ns: "delegate" }))
			inner.push(c);
		expect(inner.length).toBeGreaterThan(0);

		const done = await desk.run(new Command({ resume: "checked" }), {
			threadId: "t",
		});
		expect(done.status).toBe("done");
		expect(done.values.report).toBe("found tides (checked)");
		expect(counts.look).toBe(1);
	});

	it("gives a task that runs again after the subgraph finished its final state, without re-running it", async () => {
		const counts = { look: 0 };
		const child = new StateGraph(Research)
			.addNode("look", (s) => {
				counts.look++;
				return { answer: `about ${s.question}` };
			})
			.addEdge(START, "look")
			.compile();
		let attempts = 0;
		const desk = new StateGraph(Desk)
			.addNode(
				"delegate",
				async (s, ctx) => {
					const out = await child.invokeAsSubgraph(ctx, { question: s.topic });
					if (++attempts === 1)
						throw new Error("transient, after the subgraph");
					return { report: out.answer };
				},
				{ retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false } },
			)
			.addEdge(START, "delegate")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const values = await desk.invoke({ topic: "tides" }, { threadId: "t" });
		expect(values.report).toBe("about tides");
		expect(attempts).toBe(2);
		expect(counts.look).toBe(1);
	});

	it("refuses a second subgraph, or an interrupt of its own, in the same node task", async () => {
		const child = research({ look: 0 });
		const twice = new StateGraph(Desk)
			.addNode("delegate", async (s, ctx) => {
				await child.invokeAsSubgraph(ctx, { question: s.topic }, { name: "a" });
				await child.invokeAsSubgraph(ctx, { question: s.topic }, { name: "b" });
				return {};
			})
			.addEdge(START, "delegate")
			.compile({ checkpointer: new MemoryCheckpointer() });
		// the first one pauses; resuming reaches the second
		await twice.run({ topic: "x" }, { threadId: "t" });
		const error = await twice
			.run(new Command({ resume: "ok" }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "INVALID_GRAPH")).toBe(true);
		expect((error as Error).message).toContain('node "delegate"');

		const asksFirst = new StateGraph(Desk)
			.addNode("delegate", async (s, ctx) => {
				await ctx.interrupt("go?");
				await child.invokeAsSubgraph(ctx, { question: s.topic });
				return {};
			})
			.addEdge(START, "delegate")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await asksFirst.run({ topic: "x" }, { threadId: "t" });
		const mixed = await asksFirst
			.run(new Command({ resume: "yes" }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(mixed, "INVALID_GRAPH")).toBe(true);
	});

	it("refuses to run outside a node", async () => {
		const child = research({ look: 0 });
		const error = await child
			.invokeAsSubgraph({ node: "n" } as NodeContext, { question: "q" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "INVALID_GRAPH")).toBe(true);
	});
});
