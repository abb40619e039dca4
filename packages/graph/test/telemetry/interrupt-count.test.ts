// `weft.interrupts` counts the questions runs pause at. It counted one question more than once: a run that
// went on without answering it (`invoke(null)`) or answered only another one paused at it again and
// counted it again, and a question asked in a subgraph was counted by the subgraph's run and by its
// parent's. Now each question counts once, for the root graph, by the run that asked it (decision 0233).
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());

const State = z.object({
	a: z.string().default(""),
	b: z.string().default(""),
});

/** `weft.interrupts` by graph, as the reader collects it. */
async function counted(): Promise<Record<string, unknown>> {
	const points = await otel.metric("weft.interrupts");
	return Object.fromEntries(
		points.map((p) => [p.attributes["weft.graph"], p.value]),
	);
}

/** A graph whose node asks once. */
const asking = (name: string) =>
	new StateGraph(State)
		.addNode("ask", async (_s, ctx) => ({
			a: await ctx.interrupt<string>("which?"),
		}))
		.addEdge(START, "ask")
		.addEdge("ask", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name });

describe("weft.interrupts counts each question once", () => {
	it("a run going on without an answer pauses at the same question: not counted again", async () => {
		const g = asking("again");
		const first = await g.run({}, { threadId: "t" });
		const second = await g.run(null, { threadId: "t" });
		expect(second.status).toBe("interrupted");
		expect(second.interrupts.map((i) => i.id)).toEqual(
			first.interrupts.map((i) => i.id),
		);
		expect((await counted()).again).toBe(1);
	});

	it("two questions at once, one answered: the other is not counted again", async () => {
		const g = new StateGraph(State)
			.addNode("x", async (_s, ctx) => ({ a: await ctx.interrupt("x?") }))
			.addNode("y", async (_s, ctx) => ({ b: await ctx.interrupt("y?") }))
			.addEdge(START, "x")
			.addEdge(START, "y")
			.addEdge("x", END)
			.addEdge("y", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "both" });
		const paused = await g.run({}, { threadId: "t" });
		expect(paused.interrupts).toHaveLength(2);
		const rest = await g.run(
			new Command({ resume: { [paused.interrupts[0]!.id]: "x" } }),
			{ threadId: "t" },
		);
		expect(rest.interrupts.map((i) => i.id)).toEqual([
			paused.interrupts[1]!.id,
		]);
		expect((await counted()).both).toBe(2);
	});

	it("a question asked in a subgraph counts once, for the root graph", async () => {
		const inner = new StateGraph(State)
			.addNode("ask", async (_s, ctx) => ({ a: await ctx.interrupt("in?") }))
			.addEdge(START, "ask")
			.addEdge("ask", END)
			.compile({ name: "inner" });
		const outer = new StateGraph(State)
			.addNode("sub", inner)
			.addEdge(START, "sub")
			.addEdge("sub", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "outer" });
		expect((await outer.run({}, { threadId: "t" })).status).toBe("interrupted");
		expect((await outer.run(null, { threadId: "t" })).status).toBe(
			"interrupted",
		);
		const by = await counted();
		expect(by.outer).toBe(1);
		expect(by.inner ?? 0).toBe(0);
	});

	it("questions asked one after the other, each answered, count one each", async () => {
		const g = new StateGraph(State)
			.addNode("ask", async (_s, ctx) => ({
				a: await ctx.interrupt<string>("1?"),
				b: await ctx.interrupt<string>("2?"),
			}))
			.addEdge(START, "ask")
			.addEdge("ask", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "twice" });
		await g.run({}, { threadId: "t" });
		await g.run(new Command({ resume: "one" }), { threadId: "t" });
		const done = await g.run(new Command({ resume: "two" }), {
			threadId: "t",
		});
		expect(done.status).toBe("done");
		expect((await counted()).twice).toBe(2);
	});
});
