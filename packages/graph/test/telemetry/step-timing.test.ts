import { HumanMessage } from "@langchain/core/messages";
import {
	END,
	MemoryCheckpointer,
	readStepTiming,
	reducer,
	Send,
	START,
	StateGraph,
} from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

describe("step timing in checkpoint metadata (no OpenTelemetry provider registered)", () => {
	it("records node and model durations per step, and no trace context", async () => {
		const checkpointer = new MemoryCheckpointer();
		const agent = createAgent({
			model: new ScriptedChatModel({ model: "m1", replies: ["hi"] }),
			checkpointer,
			name: "greeter",
		});
		await agent.run(
			{ messages: [new HumanMessage("hello")] },
			{ threadId: "s1" },
		);
		const all = [];
		for await (const c of checkpointer.list({ threadId: "s1" })) all.push(c);
		const timed = all.filter((c) => readStepTiming(c.metadata) !== undefined);
		expect(timed).toHaveLength(1);
		const timing = readStepTiming(timed[0]!.metadata)!;
		expect(timing.graph).toBe("greeter");
		expect(timing.nodes.agent).toHaveLength(1);
		expect(timing.models.m1).toHaveLength(1);
		expect(timing.nodes.agent![0]).toBeGreaterThanOrEqual(0);
		expect(all.some((c) => "traceparent" in c.metadata)).toBe(false);
	});
});

describe("the stored form of step timing (decisions 0037, 0039)", () => {
	it("names the graph once a run, then keeps a step of one task per node as its duration", async () => {
		const checkpointer = new MemoryCheckpointer();
		const State = z.object({
			n: z.number(),
			seen: reducer(
				z.array(z.number()),
				(a, b) => [...a, ...b],
				() => [],
			),
		});
		const graph = new StateGraph(State)
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addNode("b", (s) => ({ n: s.n + 1 }))
			.addNode("fan", () => ({ seen: [1] }))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.addConditionalEdges("b", () => [
				new Send("fan", {}),
				new Send("fan", {}),
			])
			.addEdge("fan", END)
			.compile({ checkpointer, name: "chain" });
		await graph.invoke({ n: 0, seen: [] }, { threadId: "c1" });
		const all = [];
		for await (const c of checkpointer.list({ threadId: "c1" })) all.push(c);
		all.reverse(); // oldest first: input, a, b, fan×2
		expect(all.map((c) => c.metadata.nodes)).toEqual([
			["__input__"],
			["a"],
			["b"],
			["fan"],
		]);
		expect(all[0]!.metadata.timing).toBeUndefined();
		// the run's first timed step names the graph (object form)
		expect(all[1]!.metadata.timing).toMatchObject({ graph: "chain" });
		// a later step of one node, one task: its duration alone
		expect(typeof all[2]!.metadata.timing).toBe("number");
		expect(readStepTiming(all[2]!.metadata)).toEqual({
			nodes: { b: [expect.any(Number)] },
			models: {},
		});
		// two tasks of one node: the object form
		const fan = readStepTiming(all[3]!.metadata)!;
		expect(Array.isArray(all[3]!.metadata.timing)).toBe(false);
		expect(fan.nodes.fan).toHaveLength(2);
		expect(fan.graph).toBeUndefined();
		expect(readStepTiming(all[1]!.metadata)!.graph).toBe("chain");
	});

	it("keeps a step of several nodes, one task each, as a list in the order of metadata.nodes", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(
			z.object({ n: z.number(), left: z.number(), right: z.number() }),
		)
			.addNode("start", (s) => ({ n: s.n + 1 }))
			.addNode("left", (s) => ({ left: s.n }))
			.addNode("right", (s) => ({ right: s.n }))
			.addEdge(START, "start")
			.addEdge("start", "left")
			.addEdge("start", "right")
			.addEdge("left", END)
			.addEdge("right", END)
			.compile({ checkpointer });
		await graph.invoke({ n: 0, left: 0, right: 0 }, { threadId: "l1" });
		const all = [];
		for await (const c of checkpointer.list({ threadId: "l1" })) all.push(c);
		const newest = all[0];
		expect(newest!.metadata.nodes).toEqual(["left", "right"]);
		const list = newest!.metadata.timing as number[];
		expect(list).toHaveLength(2);
		expect(readStepTiming(newest!.metadata)).toEqual({
			nodes: { left: [list[0]], right: [list[1]] },
			models: {},
		});
	});

	it("reads a single duration as the one node's", () => {
		expect(readStepTiming({ nodes: ["a"], timing: 2.5 })).toEqual({
			nodes: { a: [2.5] },
			models: {},
		});
		expect(readStepTiming({ nodes: ["a", "b"], timing: 2.5 })).toBeUndefined();
		expect(readStepTiming({ timing: 2.5 })).toBeUndefined();
	});

	it("reads a list that does not match the step's nodes as no timing", () => {
		expect(readStepTiming({ nodes: ["a", "b"], timing: [1] })).toBeUndefined();
		expect(readStepTiming({ nodes: ["a"], timing: ["x"] })).toBeUndefined();
		expect(readStepTiming({ timing: [1] })).toBeUndefined();
	});

	it("times nodes named like Object.prototype's members, and reads a stored __proto__ name as data", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("constructor", (s) => ({ n: s.n + 1 }))
			.addNode("toString", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "constructor")
			.addEdge("constructor", "toString")
			.addEdge("toString", END)
			.compile({ checkpointer });
		expect((await graph.invoke({ n: 0 }, { threadId: "p1" })).n).toBe(2);
		const timed = [];
		for await (const c of checkpointer.list({ threadId: "p1" })) {
			const t = readStepTiming(c.metadata);
			if (t !== undefined) timed.push(Object.keys(t.nodes));
		}
		expect(timed.reverse()).toEqual([["constructor"], ["toString"]]);
		const read = readStepTiming({ nodes: ["__proto__"], timing: [1] })!;
		expect(Object.getPrototypeOf(read.nodes)).not.toEqual([1]);
		expect(Object.entries(read.nodes)).toEqual([["__proto__", [1]]]);
	});
});
