// #region define
import {
	END,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
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

export const graph = new StateGraph(State)
	.addNode("plan", (s) => ({ count: s.count + 1 }))
	.addNode("work", async (s, ctx) => ({ notes: [`${s.topic}#${ctx.step}`] }))
	.addEdge(START, "plan")
	.addConditionalEdges("plan", (s) => (s.count < 3 ? "work" : END))
	.addEdge("work", "plan")
	.compile({ checkpointer: new MemoryCheckpointer() });
// #endregion define

export async function main() {
	// #region run
	const result = await graph.run({ topic: "weft" }, { threadId: "t1" });
	// result.status === "done"; result.values.notes === ["weft#2", "weft#4"]
	// #endregion run
	return result;
}
