// Outside check (6 Dec, through the server's `interrupt_before` on a resume): a resume that also named the
// asking node in `interruptBefore` paused before that node, dropped the answer, and left two interrupts
// pending (the question and the pause), so a plain resume was refused as ambiguous from then on.
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

function graph() {
	return new StateGraph(
		z.object({ topic: z.string(), verdict: z.string().optional() }),
	)
		.addNode("ask", async (_s, ctx) => ({
			verdict: String(await ctx.interrupt("ok?")),
		}))
		.addNode("after", (s) => ({ verdict: `${s.verdict}!` }))
		.addEdge(START, "ask")
		.addEdge("ask", "after")
		.addEdge("after", END)
		.compile({ checkpointer: new MemoryCheckpointer() });
}

describe("interruptBefore on a resume", () => {
	it("does not pause before a node under way: the answer goes to it", async () => {
		const g = graph();
		const t = { threadId: "t" };
		await g.run({ topic: "x" }, t);
		const r = await g.run(new Command({ resume: "y" }), {
			...t,
			interruptBefore: ["ask"],
		});
		expect(r.status).toBe("done");
		expect(r.values.verdict).toBe("y!");
		expect((await g.getState(t)).interrupts).toEqual([]);
	});

	it("still pauses before a later node it names", async () => {
		const g = graph();
		const t = { threadId: "t" };
		await g.run({ topic: "x" }, t);
		const r = await g.run(new Command({ resume: "y" }), {
			...t,
			interruptBefore: ["ask", "after"],
		});
		expect(r.status).toBe("interrupted");
		expect(r.values.verdict).toBe("y");
		expect(r.interrupts).toEqual([
			expect.objectContaining({ node: "after", when: "before" }),
		]);
		expect((await g.run(null, t)).values.verdict).toBe("y!");
	});
});
