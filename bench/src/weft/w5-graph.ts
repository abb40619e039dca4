// W5's graph on Weft (shared by the workload and the process that resumes it): draft, review (pauses), finish.
import type { Checkpointer } from "@weft/checkpoint";
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

export function reviewGraph(checkpointer: Checkpointer, onReview = () => {}) {
	return new StateGraph(
		z.object({
			request: z.string(),
			draft: z.string().optional(),
			approval: z.string().optional(),
			result: z.string().optional(),
		}),
	)
		.addNode("write_draft", (s) => ({ draft: `draft for ${s.request}` }))
		.addNode("review", async (s, ctx) => {
			onReview();
			const approval = await ctx.interrupt<string>({
				question: "approve?",
				draft: s.draft,
			});
			return { approval };
		})
		.addNode("finish", (s) => ({ result: `${s.draft} [${s.approval}]` }))
		.addEdge(START, "write_draft")
		.addEdge("write_draft", "review")
		.addEdge("review", "finish")
		.addEdge("finish", END)
		.compile({ checkpointer });
}

/** W5's in-memory cycle for the profiling scripts: call `i` pauses thread `c<i>` at review, then answers it. */
export function memoryCycles(): (i: number) => Promise<void> {
	const graph = reviewGraph(new MemoryCheckpointer());
	return async (i) => {
		await graph.run({ request: `req-${i}` }, { threadId: `c${i}` });
		await graph.invoke(new Command({ resume: `ok-${i}` }), {
			threadId: `c${i}`,
		});
	};
}
