import {
	END,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

const State = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	count: z.number().default(0),
	limit: z.number().default(3),
});

export const graph = new StateGraph(State)
	.addNode("tick", (s) => ({
		count: s.count + 1,
		log: [`tick ${s.count + 1}`],
	}))
	.addEdge(START, "tick")
	.addConditionalEdges("tick", (s) => (s.count < s.limit ? "tick" : END))
	.compile({ checkpointer: new MemoryCheckpointer() });

export async function main() {
	await graph.invoke({}, { threadId: "t" });
	// #region travel
	const history = [];
	for await (const snapshot of graph.getStateHistory({ threadId: "t" }))
		history.push(snapshot); // newest first
	const early = history.find((s) => s.step === 1)!;
	// fork: a new child of an old checkpoint, as if "tick" had written it; the original branch stays
	const fork = await graph.updateState(
		{ threadId: "t", checkpointId: early.checkpointId },
		{ limit: 5 },
		{ asNode: "tick" },
	);
	const forked = await graph.invoke(null, fork); // continue the new branch
	const diff = await graph.diffStates(
		{ threadId: "t", checkpointId: history[0]!.checkpointId },
		{ threadId: "t", checkpointId: fork.checkpointId },
	);
	// #endregion travel
	return { history, forked, diff };
}
