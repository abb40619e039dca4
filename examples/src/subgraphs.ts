import {
	Command,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

// #region define
// A graph with its own state, reused by other graphs.
const Review = z.object({
	text: z.string(),
	remarks: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	verdict: z.string().default(""),
});
export const review = new StateGraph(Review)
	.addNode("lint", (s) => ({
		remarks: s.text.includes("!") ? ["calm the tone"] : [],
	}))
	.addNode("sign", async (s, ctx) => ({
		verdict: await ctx.interrupt<string>({ text: s.text, remarks: s.remarks }),
	}))
	.addEdge(START, "lint")
	.addEdge("lint", "sign")
	.compile();

const Post = z.object({
	draft: z.string(),
	text: z.string().default(""),
	published: z.boolean().default(false),
});
export const blog = new StateGraph(Post)
	// the keys differ: map them in a node, and run the subgraph from there
	.addNode("publish", async (s, ctx) => {
		const out = await review.invokeAsSubgraph(ctx, { text: s.draft });
		return { text: s.draft, published: out.verdict === "ok" };
	})
	.addEdge(START, "publish")
	.compile({ checkpointer: new MemoryCheckpointer() });
// #endregion define

export async function main() {
	// #region run
	const paused = await blog.run({ draft: "We ship!" }, { threadId: "post" });
	// paused.interrupts[0].value: { text: "We ship!", remarks: ["calm the tone"] }
	const done = await blog.run(new Command({ resume: "ok" }), {
		threadId: "post",
	});
	// done.values.published === true
	// #endregion run
	return { paused, done };
}
