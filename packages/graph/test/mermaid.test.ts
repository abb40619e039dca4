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
});
