// A resume that answers a question asked inside a subgraph: the subgraph's run span says `weft.resume`,
// as its parent's does, and the answer's wait is counted once (by the root run).
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { countOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());

const State = z.object({ answer: z.string().default("") });

describe("a resume answered inside a subgraph", () => {
	it("marks the subgraph's run span weft.resume too, and records the wait once", async () => {
		const inner = new StateGraph(State)
			.addNode("ask", async (_s, ctx) => ({
				answer: await ctx.interrupt<string>("which?"),
			}))
			.addEdge(START, "ask")
			.addEdge("ask", END)
			.compile({ name: "inner" });
		const outer = new StateGraph(State)
			.addNode("sub", inner)
			.addEdge(START, "sub")
			.addEdge("sub", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "outer" });
		const paused = await outer.run({}, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		otel.reset();
		const done = await outer.run(new Command({ resume: "this" }), {
			threadId: "t",
		});
		expect(done.values.answer).toBe("this");
		const runs = otel.spans().filter((s) => s.name.startsWith("weft.run "));
		expect(
			runs.map((s) => [s.name, s.attributes["weft.resume"]]).sort(),
		).toEqual([
			["weft.run inner", true],
			["weft.run outer", true],
		]);
		const waits = await otel.metric("weft.interrupt.wait");
		expect(waits.map(countOf).reduce((a, b) => a + b, 0)).toBe(1);
	});
});
