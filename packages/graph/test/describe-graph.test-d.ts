import {
	END,
	type GraphDescription,
	type GraphEdgeKind,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";

const graph = new StateGraph(z.object({ n: z.number() }))
	.addNode("a", () => ({}))
	.addEdge(START, "a")
	.addEdge("a", END)
	.compile();

describe("describe()", () => {
	it("returns nodes and edges whose kind is a closed union", () => {
		expectTypeOf(graph.describe()).toEqualTypeOf<GraphDescription>();
		expectTypeOf<GraphEdgeKind>().toEqualTypeOf<
			"edge" | "join" | "conditional" | "ends"
		>();
		const edge = graph.describe().edges[0]!;
		// @ts-expect-error: "branch" is not an edge kind
		const kind: typeof edge.kind = "branch";
		void kind;
	});
});
