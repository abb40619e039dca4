// docs/checkpoints.md's conformance snippet is the region, whole (it compiles when copied); this file's
// own test follows it.
// #region conformance
import { MemoryCheckpointer } from "@weft/checkpoint";
import { checkpointerConformance } from "@weft/checkpoint/conformance";
import { CountingCheckpointer } from "../src/checkpoints/counting-checkpointer.ts";

checkpointerConformance("counting", async () => ({
	checkpointer: new CountingCheckpointer(new MemoryCheckpointer()),
}));

// #endregion conformance

import { END, START, StateGraph } from "@weft/graph";
import { expect, it } from "vitest";
import { z } from "zod";

it("a graph runs on it, and it counts what was written", async () => {
	const store = new CountingCheckpointer(new MemoryCheckpointer());
	const graph = new StateGraph(z.object({ n: z.number() }))
		.addNode("inc", (s) => ({ n: s.n + 1 }))
		.addEdge(START, "inc")
		.addEdge("inc", END)
		.compile({ checkpointer: store });
	expect(await graph.invoke({ n: 1 }, { threadId: "t" })).toEqual({ n: 2 });
	expect(store.writes).toBeGreaterThanOrEqual(2);
});
