import { END, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0) });

describe("toMermaid", () => {
	it("draws nodes, edges, joins, conditional edges and subgraphs", () => {
		const child = new StateGraph(S)
			.addNode("inner", () => {})
			.addEdge(START, "inner")
			.compile();
		const graph = new StateGraph(S)
			.addNode("plan", () => {})
			.addNode("left", () => {})
			.addNode("right", () => {})
			.addNode("merge", child)
			.addEdge(START, "plan")
			.addConditionalEdges("plan", () => "both" as "both" | "stop", {
				both: "left",
				stop: END,
			})
			.addEdge("plan", "right")
			.addEdge(["left", "right"], "merge")
			.addEdge("merge", END)
			.compile();
		expect(graph.toMermaid()).toBe(
			[
				"flowchart TD",
				"  __start__([start])",
				"  __end__([end])",
				"  plan[plan]",
				"  left[left]",
				"  right[right]",
				"  subgraph merge[merge]",
				"    merge____start__([start])",
				"    merge____end__([end])",
				"    merge__inner[inner]",
				"    merge____start__ --> merge__inner",
				"  end",
				"  __start__ --> plan",
				"  plan --> right",
				"  merge --> __end__",
				"  left -->|all of| merge",
				"  right -->|all of| merge",
				"  plan -.->|both| left",
				"  plan -.->|stop| __end__",
				"",
			].join("\n"),
		);
	});
	it("describes the same graph as data: edge kinds, ends, subgraph nodes under their parent", () => {
		const child = new StateGraph(S)
			.addNode("inner", () => {})
			.addEdge(START, "inner")
			.compile();
		const graph = new StateGraph(S)
			.addNode("plan", () => {}, { ends: ["left"] })
			.addNode("left", () => {})
			.addNode("merge", child)
			.addEdge(START, "plan")
			.addConditionalEdges("plan", () => "stop" as "go" | "stop", {
				go: "merge",
				stop: END,
			})
			.addEdge("left", "merge")
			.addEdge("merge", END)
			.compile();
		const d = graph.describe();
		expect(d.nodes).toContainEqual({
			id: "merge/inner",
			name: "inner",
			parent: "merge",
			subgraph: false,
		});
		expect(d.nodes).toContainEqual(
			expect.objectContaining({ id: "merge", subgraph: true }),
		);
		expect(d.edges).toEqual(
			expect.arrayContaining([
				{ source: "__start__", target: "plan", kind: "edge" },
				{ source: "merge/__start__", target: "merge/inner", kind: "edge" },
				{ source: "plan", target: "merge", kind: "conditional", label: "go" },
				{
					source: "plan",
					target: "__end__",
					kind: "conditional",
					label: "stop",
				},
				{ source: "plan", target: "left", kind: "ends" },
			]),
		);
	});
});
