import {
	END,
	GraphValidationError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
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

// API.md "Defining a graph": sentences not covered by compile-validation, supersteps and state tests.
describe("API.md: Defining a graph", () => {
	it("runs the API.md example as written", async () => {
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
		const values = await graph.invoke({ topic: "t" }, { threadId: "t1" });
		expect(values.count).toBe(3);
		expect(values.notes).toHaveLength(2);
	});
	it("compile() rejects a conditional edge from a never-added node", () => {
		const g = new StateGraph(State)
			.addNode("a", () => ({}))
			.addEdge(START, "a");
		(
			g as unknown as {
				addConditionalEdges(a: string, r: () => string): unknown;
			}
		).addConditionalEdges("ghost", () => "a");
		expect(() => g.compile()).toThrow(GraphValidationError);
	});
	it("a router may return an array of names; parallel updates apply by node name", async () => {
		const graph = new StateGraph(State)
			.addNode("r", () => ({}))
			.addNode("zz", async () => {
				await new Promise((r) => setTimeout(r, 5));
				return { notes: ["zz"] };
			})
			.addNode("aa", () => ({ notes: ["aa"] }))
			.addEdge(START, "r")
			.addConditionalEdges("r", () => ["zz", "aa"])
			.compile();
		expect((await graph.invoke({ topic: "t" })).notes).toEqual(["aa", "zz"]);
	});
});
