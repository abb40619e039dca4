import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ n: z.number().default(0) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("cancelled and timed-out attempts", () => {
	it("a continue waits for a cancelled run's node to settle and does not repeat its effect", async () => {
		const effects: number[] = [];
		let release!: () => void;
		const gate = new Promise<void>((r) => {
			release = r;
		});
		const graph = new StateGraph(State)
			.addNode("slow", async (s, ctx) => {
				// ignores its signal: still running after the run was cancelled
				const got = await ctx.once("pay", async () => {
					await gate;
					effects.push(effects.length + 1);
					return effects.length;
				});
				return { n: s.n + got };
			})
			.addEdge(START, "slow")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const controller = new AbortController();
		const run = graph.run({}, { threadId: "t", signal: controller.signal });
		await sleep(10);
		controller.abort();
		expect((await run).status).toBe("cancelled");
		const busy = await graph
			.run(null, { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(busy, "THREAD_BUSY")).toBe(true);
		const waiting = graph.run(null, { threadId: "t", waitForLease: 5000 });
		await sleep(10);
		release();
		const done = await waiting;
		expect(done.status).toBe("done");
		expect(done.values.n).toBe(1);
		expect(effects).toEqual([1]);
	});

	it("a retry after a timeout shares an effect the abandoned attempt started", async () => {
		const effects: number[] = [];
		let attempts = 0;
		const graph = new StateGraph(State)
			.addNode(
				"flaky",
				async (s, ctx) => {
					attempts++;
					const got = await ctx.once("pay", async () => {
						await sleep(60);
						effects.push(effects.length + 1);
						return effects.length;
					});
					return { n: s.n + got };
				},
				{ timeoutMs: 20, retry: { maxAttempts: 3, initialDelayMs: 1 } },
			)
			.addEdge(START, "flaky")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const result = await graph.run({}, { threadId: "t" }).catch((e) => e);
		await sleep(100);
		expect(attempts).toBeGreaterThan(1);
		expect(effects).toEqual([1]);
		void result;
	});
});
