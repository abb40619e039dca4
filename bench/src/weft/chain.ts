// W1's graph on Weft (shared by the workload and the profile scripts): a chain of `nodes` nodes, each
// adding one to `count`.
import type { Checkpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { z } from "zod";

export function chainGraph(nodes: number, checkpointer?: Checkpointer) {
	// node names are computed: declare them so the builder accepts `n${i}`
	const names = Array.from({ length: nodes }, (_, i) => `n${i}`);
	const g = new StateGraph(z.object({ count: z.number() }), { nodes: names });
	for (let i = 0; i < nodes; i++)
		g.addNode(`n${i}`, (s) => ({ count: s.count + 1 }));
	g.addEdge(START, "n0");
	for (let i = 0; i + 1 < nodes; i++) g.addEdge(`n${i}`, `n${i + 1}`);
	g.addEdge(`n${nodes - 1}`, END);
	return g.compile(checkpointer === undefined ? {} : { checkpointer });
}
