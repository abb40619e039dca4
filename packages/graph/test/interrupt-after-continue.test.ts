import { MemoryCheckpointer } from "@weft/checkpoint";
import { Command, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// Found from outside (SDK audit, 2 Dec): a run paused by interruptAfter, then continued, kept listing the
// spent after-pause beside the next node's own interrupt, so a plain resume was refused as ambiguous.
function graph() {
	return new StateGraph(
		z.object({ topic: z.string(), approved: z.string().optional() }),
	)
		.addNode("plan", (s) => ({ topic: `${s.topic}!` }))
		.addNode("review", async (_s, ctx) => ({
			approved: String(await ctx.interrupt({ question: "ok?" })),
		}))
		.addNode("publish", () => ({}))
		.addEdge("__start__", "plan")
		.addEdge("plan", "review")
		.addEdge("review", "publish")
		.addEdge("publish", "__end__")
		.compile({ checkpointer: new MemoryCheckpointer() });
}

describe("a pause after a node, continued", () => {
	for (const when of ["interruptAfter", "interruptBefore"] as const) {
		it(`${when}: continuing spends the pause; the next interrupt alone is pending and a plain resume answers it`, async () => {
			const g = graph();
			const config = { threadId: "t" };
			const first = await g.run(
				{ topic: "x" },
				{ ...config, [when]: [when === "interruptAfter" ? "plan" : "review"] },
			);
			expect(first.status).toBe("interrupted");
			const second = await g.run(null, config);
			expect(second.status).toBe("interrupted");
			const pending = (await g.getState(config)).interrupts;
			expect(pending.map((i) => i.value)).toEqual([{ question: "ok?" }]);
			expect(pending.every((i) => i.when === undefined)).toBe(true);
			const done = await g.run(new Command({ resume: "yes" }), config);
			expect(done.status).toBe("done");
			expect((await g.getState(config)).values.approved).toBe("yes");
		});
	}
});
