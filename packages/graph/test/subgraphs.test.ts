import {
	Command,
	END,
	MemoryCheckpointer,
	reducer,
	Send,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const Parent = z.object({
	topic: z.string(),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	summary: z.string().default(""),
});
const Child = z.object({
	topic: z.string(),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	summary: z.string().default(""),
	scratch: z.number().default(0),
});

function childGraph() {
	return new StateGraph(Child)
		.addNode("research", (s) => ({ log: [`research ${s.topic}`], scratch: 1 }))
		.addNode("approve", async (s, ctx) => {
			const ok = await ctx.interrupt<string>({ approve: s.topic });
			return { summary: `${s.topic}: ${ok}` };
		})
		.addEdge(START, "research")
		.addEdge("research", "approve")
		.compile();
}

describe("subgraphs", () => {
	it("runs a compiled graph as a node: shared keys in, its writes out, private keys stay inside", async () => {
		const child = new StateGraph(Child)
			.addNode("research", (s) => ({
				log: [`research ${s.topic}`],
				summary: "short",
				scratch: 7,
			}))
			.addEdge(START, "research")
			.compile();
		const parent = new StateGraph(Parent)
			.addNode("before", () => ({ log: ["before"] }))
			.addNode("sub", child)
			.addNode("after", (s) => ({ log: [`after ${s.summary}`] }))
			.addEdge(START, "before")
			.addEdge("before", "sub")
			.addEdge("sub", "after")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const out = await parent.invoke({ topic: "bees" }, { threadId: "t" });
		expect(out).toEqual({
			topic: "bees",
			log: ["before", "research bees", "after short"],
			summary: "short",
		});
	});

	it("streams a subgraph node's updates so that applying them in order gives what the step applied", async () => {
		const child = new StateGraph(Child)
			.addNode("one", () => ({ log: ["one"], summary: "first" }))
			.addNode("two", () => ({ log: ["two"], summary: "second" }))
			.addEdge(START, "one")
			.addEdge("one", "two")
			.compile();
		const parent = new StateGraph(Parent)
			.addNode("sub", child)
			.addEdge(START, "sub")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const updates: unknown[] = [];
		for await (const e of parent.stream(
			{ topic: "bees" },
			{ threadId: "t", mode: "updates" },
		))
			if (e.type === "update") updates.push([e.node, e.data]);
		// both writes of the reducer key reach the stream (one object per inner step), none is folded away
		expect(updates).toEqual([
			["sub", { log: ["one"], summary: "first" }],
			["sub", { log: ["two"], summary: "second" }],
		]);
	});

	it("nests the subgraph's checkpoints under the parent's thread, and resumes an interrupt inside it", async () => {
		const cp = new MemoryCheckpointer();
		const parent = new StateGraph(Parent)
			.addNode("sub", childGraph())
			.addNode("done", (s) => ({ log: [`done ${s.summary}`] }))
			.addEdge(START, "sub")
			.addEdge("sub", "done")
			.compile({ checkpointer: cp });
		const paused = await parent.run({ topic: "ants" }, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts).toEqual([
			{ id: expect.any(String), node: "sub", value: { approve: "ants" } },
		]);
		const nested: string[] = [];
		for await (const s of cp.list({ threadId: "t", ns: "sub" }))
			nested.push(s.ns);
		expect(nested.length).toBeGreaterThan(0);
		expect((await parent.getState({ threadId: "t" })).interrupts).toEqual(
			paused.interrupts,
		);
		const done = await parent.invoke(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done).toEqual({
			topic: "ants",
			log: ["research ants", "done ants: yes"],
			summary: "ants: yes",
		});
		expect((await parent.getState({ threadId: "t" })).interrupts).toEqual([]);
	});

	it("lists a question still open once after another subgraph task's was answered (Send fan-out)", async () => {
		const ask = new StateGraph(Child)
			.addNode("ask", async (s, ctx) => ({
				log: [`${s.topic}: ${String(await ctx.interrupt(`ok ${s.topic}?`))}`],
			}))
			.addEdge(START, "ask")
			.compile();
		const parent = new StateGraph(Parent)
			.addNode("fan", () => ({}))
			.addNode("sub", ask)
			.addEdge(START, "fan")
			.addConditionalEdges("fan", () => [
				new Send("sub", { topic: "a" }),
				new Send("sub", { topic: "b" }),
			])
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await parent.run({ topic: "t" }, { threadId: "t" });
		expect(paused.interrupts.map((i) => i.value)).toEqual(["ok a?", "ok b?"]);
		const [a, b] = paused.interrupts;

		const half = await parent.run(new Command({ resume: { [a!.id]: "yes" } }), {
			threadId: "t",
		});
		expect(half.interrupts).toEqual([b]);
		expect((await parent.getState({ threadId: "t" })).interrupts).toEqual([b]);
		const done = await parent.run(new Command({ resume: "no" }), {
			threadId: "t",
		});
		expect(done.status).toBe("done");
		expect(done.values.log).toEqual(["a: yes", "b: no"]);
	});

	it("starts the subgraph afresh each time its node runs", async () => {
		const child = new StateGraph(Child)
			.addNode("count", (s) => ({
				scratch: s.scratch + 1,
				summary: `scratch ${s.scratch + 1}`,
			}))
			.addEdge(START, "count")
			.compile();
		const parent = new StateGraph(Parent)
			.addNode("sub", child)
			.addNode("mark", () => ({ log: ["x"] }))
			.addEdge(START, "sub")
			.addConditionalEdges(
				"sub",
				(s) => (s.log.length < 2 ? "again" : "stop"),
				{ again: "mark", stop: END },
			)
			.addEdge("mark", "sub")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const out = await parent.invoke({ topic: "t" }, { threadId: "t" });
		expect(out.summary).toBe("scratch 1");
		expect(out.log).toEqual(["x", "x"]);
	});
});

describe("subgraph usage", () => {
	it("adds a subgraph's token usage to the parent run, under the subgraph's node", async () => {
		const child = new StateGraph(Child)
			.addNode("llm", (_s, ctx) => {
				ctx.reportUsage({
					model: "m",
					inputTokens: 10,
					outputTokens: 5,
					costUsd: 0.5,
				});
				return {};
			})
			.addEdge(START, "llm")
			.compile();
		const parent = new StateGraph(Parent)
			.addNode("sub", child)
			.addEdge(START, "sub")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const result = await parent.run({ topic: "t" }, { threadId: "u" });
		expect(result.usage).toMatchObject({
			inputTokens: 10,
			outputTokens: 5,
			totalTokens: 15,
			costUsd: 0.5,
			calls: 1,
		});
		expect(result.usage.byNode.sub).toMatchObject({ inputTokens: 10 });
		expect(result.usage.byModel.m).toMatchObject({ outputTokens: 5 });
	});
});

describe("subgraph events in the parent's stream", () => {
	const S = z.object({ text: z.string().default("") });
	const seen: boolean[] = [];
	const inner = new StateGraph(S)
		.addNode("talk", (_s, ctx) => {
			seen.push(ctx.streamingMessages);
			ctx.emitMessage({ content: "tok" });
			ctx.emit({ progress: 1 });
			return { text: "said" };
		})
		.addEdge(START, "talk")
		.compile();
	const middle = new StateGraph(S)
		.addNode("inner", inner)
		.addEdge(START, "inner")
		.compile();
	const outer = new StateGraph(S)
		.addNode("middle", middle)
		.addEdge(START, "middle")
		.compile({ checkpointer: new MemoryCheckpointer() });

	it("come up as message and custom events named by their path", async () => {
		const events: Array<{ type: string; node?: string }> = [];
		for await (const ev of outer.stream(
			{},
			{ threadId: "s1", mode: ["messages", "custom"] },
		))
			if (ev.type === "message" || ev.type === "custom") events.push(ev);
		// a message says where it came from: each run's task, outermost first, at its own checkpoint
		const at = (node: string) => ({
			node,
			id: node,
			checkpointId: expect.any(String),
		});
		expect(events).toEqual([
			{
				type: "message",
				node: "middle:inner:talk",
				chunk: { content: "tok" },
				step: 1,
				tasks: [at("middle"), at("inner"), at("talk")],
			},
			{ type: "custom", node: "middle:inner:talk", data: { progress: 1 } },
		]);
		expect(seen.at(-1)).toBe(true);
	});

	it("are not produced when the caller does not consume them", async () => {
		const types = new Set<string>();
		for await (const ev of outer.stream({}, { threadId: "s2", mode: "custom" }))
			types.add(ev.type);
		expect(types.has("message")).toBe(false);
		expect(types.has("custom")).toBe(true);
		expect(seen.at(-1)).toBe(false); // nobody reads tokens: models are invoked, not streamed
		await outer.invoke({}, { threadId: "s3" });
		expect(seen.at(-1)).toBe(false);
	});

	it("with subgraphs: true, include each subgraph run's values, updates and checkpoints, with the parent tasks they run under", async () => {
		const events: Array<{ type: string; namespace?: unknown }> = [];
		for await (const ev of outer.stream(
			{},
			{
				threadId: "s4",
				mode: ["values", "updates", "checkpoints", "custom"],
				subgraphs: true,
			},
		))
			if (ev.type !== "end") events.push(ev);
		const at = (node: string) => ({
			node,
			id: node,
			checkpointId: expect.any(String),
		});
		const nested = events.filter((e) => e.namespace !== undefined);
		// the innermost run's first: its state, checkpoint, update, state, checkpoint; then the middle's
		expect(nested.map((e) => [e.type, e.namespace])).toEqual([
			["values", [at("middle")]],
			["checkpoint", [at("middle")]],
			["values", [at("middle"), at("inner")]],
			["checkpoint", [at("middle"), at("inner")]],
			["custom", [at("middle"), at("inner")]],
			["update", [at("middle"), at("inner")]],
			["values", [at("middle"), at("inner")]],
			["checkpoint", [at("middle"), at("inner")]],
			["update", [at("middle")]],
			["values", [at("middle")]],
			["checkpoint", [at("middle")]],
		]);
		expect(nested[4]).toMatchObject({
			node: "middle:inner:talk",
			data: { progress: 1 },
		});
		expect(nested[5]).toMatchObject({ node: "talk", data: { text: "said" } });
		// the root's own events are as without subgraphs (where the subgraph's custom event is the root's)
		const own: Array<{ type: string }> = [];
		for await (const ev of outer.stream(
			{},
			{ threadId: "s5", mode: ["values", "updates", "checkpoints", "custom"] },
		))
			if (ev.type !== "end") own.push(ev);
		expect(
			events.filter((e) => e.namespace === undefined).map((e) => e.type),
		).toEqual(own.filter((e) => e.type !== "custom").map((e) => e.type));
	});
});
