import { Command, END, reducer, Send, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	results: reducer(
		z.array(z.number()),
		(a, b) => [...a, ...b],
		() => [],
	),
	sum: z.number().default(0),
});

describe("supersteps", () => {
	it("runs the due nodes of a step concurrently", async () => {
		let running = 0;
		let peak = 0;
		const slow = (name: string) => async () => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setTimeout(r, 10));
			running--;
			return { log: [name] };
		};
		const graph = new StateGraph(S)
			.addNode("a", slow("a"))
			.addNode("b", slow("b"))
			.addNode("c", slow("c"))
			.addEdge(START, "a")
			.addEdge(START, "b")
			.addEdge(START, "c")
			.compile();
		const result = await graph.run({});
		expect(peak).toBe(3);
		expect(result.steps).toBe(1);
		expect(result.values.log).toEqual(["a", "b", "c"]);
	});

	it("bounds parallelism with maxConcurrency", async () => {
		let running = 0;
		let peak = 0;
		const graph = new StateGraph(S)
			.addNode("fan", () => {})
			.addNode("work", async (input: { i: number }) => {
				running++;
				peak = Math.max(peak, running);
				await new Promise((r) => setTimeout(r, 2));
				running--;
				return { results: [input.i] };
			})
			.addEdge(START, "fan")
			.addConditionalEdges("fan", () =>
				Array.from({ length: 10 }, (_, i) => new Send("work", { i })),
			)
			.compile();
		const out = await graph.invoke({}, { maxConcurrency: 2 });
		expect(peak).toBe(2);
		expect(out.results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it("fans out Sends with private payloads and joins them in Send order", async () => {
		let reduced = 0;
		const graph = new StateGraph(S)
			.addNode("fan", () => {})
			.addNode("worker", async (input: { i: number }) => {
				if (input.i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
				return { results: [2 * input.i] };
			})
			.addNode("reduce", (s) => {
				reduced++;
				return { sum: s.results.reduce((a, b) => a + b, 0) };
			})
			.addEdge(START, "fan")
			.addConditionalEdges("fan", () =>
				Array.from({ length: 2000 }, (_, i) => new Send("worker", { i })),
			)
			.addEdge("worker", "reduce")
			.addEdge("reduce", END)
			.compile();
		const out = await graph.invoke({});
		expect(out.results).toHaveLength(2000);
		expect(out.results.slice(0, 3)).toEqual([0, 2, 4]);
		expect(out.sum).toBe(2 * ((1999 * 2000) / 2));
		expect(reduced).toBe(1);
	});

	it("runs a join target once, after all of its sources ran", async () => {
		const graph = new StateGraph(S)
			.addNode("quick", () => ({ log: ["quick"] }))
			.addNode("slow1", () => ({ log: ["slow1"] }))
			.addNode("slow2", () => ({ log: ["slow2"] }))
			.addNode("join", (s) => ({ log: [`join after ${s.log.length}`] }))
			.addEdge(START, "quick")
			.addEdge(START, "slow1")
			.addEdge("slow1", "slow2")
			.addEdge(["quick", "slow2"], "join")
			.compile();
		const result = await graph.run({});
		expect(result.values.log).toEqual([
			"quick",
			"slow1",
			"slow2",
			"join after 3",
		]);
		expect(result.steps).toBe(3);
	});

	it("routes by a router's name, names, END, Sends, and a Command's goto", async () => {
		const graph = new StateGraph(S)
			.addNode(
				"start",
				() =>
					new Command({
						update: { log: ["start"] },
						goto: ["x", new Send("y", { n: 1 })],
					}),
				{ ends: ["x", "y"] },
			)
			.addNode("x", () => ({ log: ["x"] }))
			.addNode("y", (input: { n: number }) => ({ log: [`y${input.n}`] }))
			.addNode("z", () => ({ log: ["z"] }))
			.addEdge(START, "start")
			.addConditionalEdges("x", (s) => (s.log.includes("z") ? END : ["z"]), [
				"z",
				END,
			])
			.compile();
		expect((await graph.invoke({})).log).toEqual(["start", "x", "y1", "z"]);
	});

	it("fails with UNKNOWN_NODE when a router names a node that does not exist", async () => {
		const graph = new StateGraph(S)
			.addNode("a", () => {})
			.addEdge(START, "a")
			.addConditionalEdges("a", () => "nowhere" as never)
			.compile();
		await expect(graph.invoke({})).rejects.toMatchObject({
			code: "UNKNOWN_NODE",
		});
	});

	it("counts supersteps against recursionLimit", async () => {
		const graph = new StateGraph(S)
			.addNode("loop", () => ({ sum: 1 }))
			.addEdge(START, "loop")
			.addEdge("loop", "loop")
			.compile();
		const error = await graph
			.invoke({}, { recursionLimit: 7 })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "GRAPH_RECURSION_LIMIT", steps: 7 });
		expect((error as Error & { hint: string }).hint).toMatch(/recursionLimit/);
	});
});
