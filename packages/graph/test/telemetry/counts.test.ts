// Issue 13: the counts (retries, interrupts, runs in flight) are observable instruments summed in memory;
// the reader sees the same cumulative values a synchronous counter gives, per meter provider.
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startOtel } from "./otel-harness.ts";

let otel = startOtel();
afterAll(() => otel.stop());

const value = (points: { attributes: object; value: unknown }[], of: object) =>
	points.find((p) =>
		Object.entries(of).every(
			([k, v]) => (p.attributes as Record<string, unknown>)[k] === v,
		),
	)?.value;

function flaky() {
	let calls = 0;
	return new StateGraph(z.object({ n: z.number() }))
		.addNode(
			"flaky",
			() => {
				if (++calls <= 2) throw new TypeError(`flake ${calls}`);
				return { n: calls };
			},
			{ retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false } },
		)
		.addEdge(START, "flaky")
		.addEdge("flaky", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name: "flaky" });
}

describe("counts read at collection", () => {
	it("retries by node and error type", async () => {
		await flaky().run({ n: 0 }, { threadId: "c1" });
		const retries = await otel.metric("weft.node.retries");
		expect(
			value(retries, { "weft.node": "flaky", "error.type": "TypeError" }),
		).toBe(2);
	});

	it("runs in flight while a run is running, and back to zero", async () => {
		let release!: () => void;
		let entered!: () => void;
		const inNode = new Promise<void>((r) => {
			entered = r;
		});
		const gate = new Promise<void>((r) => {
			release = r;
		});
		const hold = new StateGraph(z.object({ n: z.number() }))
			.addNode("wait", async () => {
				entered();
				await gate;
				return { n: 1 };
			})
			.addEdge(START, "wait")
			.addEdge("wait", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "hold" });
		const running = hold.run({ n: 0 }, { threadId: "c2" });
		await inNode;
		expect(
			value(await otel.metric("weft.runs.active"), { "weft.graph": "hold" }),
		).toBe(1);
		release();
		await running;
		expect(
			value(await otel.metric("weft.runs.active"), { "weft.graph": "hold" }),
		).toBe(0);
	});

	it("interrupts a run paused at", async () => {
		const ask = new StateGraph(z.object({ answer: z.string().default("") }))
			.addNode("ask", async (_s, ctx) => ({
				answer: await ctx.interrupt<string>("why?"),
			}))
			.addEdge(START, "ask")
			.addEdge("ask", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "ask" });
		const r = await ask.run({}, { threadId: "c3" });
		expect(r.status).toBe("interrupted");
		expect(
			value(await otel.metric("weft.interrupts"), { "weft.graph": "ask" }),
		).toBe(1);
	});

	it("start afresh with a new meter provider", async () => {
		await otel.stop();
		otel = startOtel();
		await flaky().run({ n: 0 }, { threadId: "c4" });
		const retries = await otel.metric("weft.node.retries");
		expect(
			value(retries, { "weft.node": "flaky", "error.type": "TypeError" }),
		).toBe(2);
	});
});
