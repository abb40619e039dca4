import {
	Command,
	END,
	GraphRecursionError,
	MemoryCheckpointer,
	NodeError,
	reducer,
	Send,
	START,
	StateGraph,
	type StreamEvent,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	n: z.number().default(0),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

const loop = () =>
	new StateGraph(S)
		.addNode("tick", (s) => ({ n: s.n + 1 }))
		.addEdge(START, "tick")
		.addConditionalEdges("tick", () => "tick")
		.compile({ checkpointer: new MemoryCheckpointer() });

describe("API.md: Running", () => {
	it("recursionLimit defaults to 100 supersteps", async () => {
		const g = loop();
		const e = await g.invoke({}, { threadId: "r" }).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(GraphRecursionError);
		expect((await g.getState({ threadId: "r" })).values.n).toBe(100);
	});

	it("exceeding recursionLimit throws GraphRecursionError", async () => {
		const g = loop();
		const e = await g
			.invoke({}, { threadId: "r", recursionLimit: 3 })
			.catch((x: unknown) => x);
		expect(e).toBeInstanceOf(GraphRecursionError);
		expect((await g.getState({ threadId: "r" })).values.n).toBe(3);
	});

	it("aborting signal stops the run at once, even when a node ignores the signal", async () => {
		const controller = new AbortController();
		const cp = new MemoryCheckpointer();
		const g = new StateGraph(S)
			.addNode("first", () => ({ n: 1 }))
			.addNode("deaf", () => {
				setTimeout(() => controller.abort(), 5);
				return new Promise<{ n: number }>(() => {});
			})
			.addEdge(START, "first")
			.addEdge("first", "deaf")
			.compile({ checkpointer: cp });
		const result = await g.run(
			{},
			{ threadId: "c", signal: controller.signal },
		);
		expect(result.status).toBe("cancelled");
		const state = await g.getState({ threadId: "c" });
		expect(state.values.n).toBe(1);
		expect(state.next).toEqual(["deaf"]);
	});

	it("streams with an array of modes; interrupt and error events come whatever the mode", async () => {
		const g = new StateGraph(S)
			.addNode("ask", async (_s, ctx) => {
				await ctx.interrupt("q");
				return {};
			})
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const events: StreamEvent[] = [];
		for await (const e of g.stream(
			{},
			{ threadId: "s", mode: ["updates", "messages"] },
		))
			events.push(e);
		expect(events.map((e) => e.type)).toEqual(["interrupt", "end"]);
		expect(events[0]).toMatchObject({
			type: "interrupt",
			interrupts: [{ node: "ask", value: "q", id: expect.any(String) }],
		});
	});

	it("a stream's error event carries the node and the error", async () => {
		const g = new StateGraph(S)
			.addNode("boom", () => {
				throw new Error("kaput");
			})
			.addEdge(START, "boom")
			.compile();
		let error: StreamEvent | undefined;
		await expect(
			(async () => {
				for await (const e of g.stream({}, { mode: "values" }))
					if (e.type === "error") error = e;
			})(),
		).rejects.toBeInstanceOf(NodeError);
		expect(error).toMatchObject({ type: "error", node: "boom" });
		expect((error as { error: unknown }).error).toBeInstanceOf(NodeError);
	});

	it("values events carry { step, data }; checkpoint events { checkpointId, step }", async () => {
		const g = new StateGraph(S)
			.addNode("a", () => ({ n: 1 }))
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const events: StreamEvent[] = [];
		for await (const e of g.stream({}, { threadId: "v" })) events.push(e);
		const values = events.filter((e) => e.type === "values");
		expect(values.at(-1)).toMatchObject({ step: 1, data: { n: 1, log: [] } });
		const cps = events.filter((e) => e.type === "checkpoint");
		const last = cps.at(-1) as { checkpointId: string; step: number };
		expect(last.step).toBe(1);
		expect(last.checkpointId).toBe(
			(await g.getState({ threadId: "v" })).checkpointId,
		);
	});

	it("a node that throws after its retries fails with NodeError; its Send siblings' writes are kept and only it re-runs", async () => {
		const runs: string[] = [];
		let broken = true;
		let attempts = 0;
		const g = new StateGraph(S)
			.addNode("fan", () => ({}))
			.addNode(
				"work",
				(s: { n: number }) => {
					runs.push(`work${s.n}`);
					if (s.n === 2) {
						attempts++;
						if (broken) throw new Error("flaky");
					}
					return { log: [`w${s.n}`] };
				},
				{
					retry: {
						maxAttempts: 2,
						initialDelayMs: 1,
						backoff: 1,
						maxDelayMs: 1,
						jitter: false,
					},
				},
			)
			.addEdge(START, "fan")
			.addConditionalEdges("fan", () =>
				[1, 2, 3].map((n) => new Send("work", { n })),
			)
			.addEdge("work", END)
			.compile({ checkpointer: new MemoryCheckpointer() });
		const e = await g.invoke({}, { threadId: "f" }).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(NodeError);
		expect(e).toMatchObject({ node: "work", cause: { message: "flaky" } });
		expect(attempts).toBe(2);
		broken = false;
		runs.length = 0;
		expect((await g.invoke(null, { threadId: "f" })).log).toEqual([
			"w1",
			"w2",
			"w3",
		]);
		expect(runs).toEqual(["work2"]);
	});
});

describe("API.md: for await (const ev of graph.stream(…)) — leaving the loop early", () => {
	const build = () => {
		const ran: string[] = [];
		const cp = new MemoryCheckpointer();
		const step = (name: string) => async (s: { n: number }) => {
			ran.push(name);
			await new Promise((r) => setTimeout(r, 5));
			return { n: s.n + 1 };
		};
		const graph = new StateGraph(S)
			.addNode("a", step("a"))
			.addNode("b", step("b"))
			.addNode("ask", async (s, ctx) => ({
				n: s.n + Number(await ctx.interrupt("how many?")),
			}))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.addEdge("b", "ask")
			.compile({ checkpointer: cp });
		return { graph, cp, ran };
	};

	it("stops the run as its signal would: no node runs unwatched, the last checkpoint stays valid", async () => {
		const { graph, ran } = build();
		for await (const e of graph.stream({}, { threadId: "t" }))
			if (e.type === "values") break;
		expect(ran).toEqual(["a"]);
		expect((await graph.getState({ threadId: "t" })).next).toEqual(["a"]);
		// the cancelled run's node settles, then the thread goes on where it stopped
		const done = await graph.run(null, { threadId: "t", waitForLease: 5000 });
		expect(done).toMatchObject({ status: "interrupted", values: { n: 2 } });
		expect(ran).toEqual(["a", "a", "b"]);
	});

	it("a run whose interrupt or end was seen ends as it would have", async () => {
		const { graph, cp } = build();
		for await (const e of graph.stream({}, { threadId: "t" }))
			if (e.type === "interrupt") break;
		expect((await cp.getThread("t"))?.status).toBe("interrupted");
		expect((await graph.getState({ threadId: "t" })).interrupts).toHaveLength(
			1,
		);
		let status: string | undefined;
		for await (const e of graph.stream(new Command({ resume: 1 }), {
			threadId: "t",
		}))
			if (e.type === "end") {
				status = e.result.status;
				break;
			}
		expect(status).toBe("done");
		expect((await cp.getThread("t"))?.status).toBe("done");
	});
});
