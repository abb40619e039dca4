import {
	Command,
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0), out: z.string().default("") });

describe("node policies", () => {
	it("matches a retried attempt's interrupt() calls to the answers the failed attempt got", async () => {
		let attempts = 0;
		const graph = new StateGraph(S)
			.addNode(
				"ask",
				async (_s, ctx) => {
					const answer = await ctx.interrupt<string>("which?");
					attempts++;
					if (attempts === 1) throw new Error("transient, after the answer");
					return { out: answer };
				},
				{ retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false } },
			)
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.run({}, { threadId: "t" });
		const done = await graph.run(new Command({ resume: "this one" }), {
			threadId: "t",
		});
		expect(done.status).toBe("done");
		expect(done.values.out).toBe("this one");
		expect(attempts).toBe(2);
	});

	it("retries with backoff until the node succeeds", async () => {
		let attempts = 0;
		const graph = new StateGraph(S)
			.addNode(
				"flaky",
				() => {
					attempts++;
					if (attempts < 3) throw new Error("transient");
					return { out: `ok after ${attempts}` };
				},
				{ retry: { maxAttempts: 5, initialDelayMs: 1, jitter: false } },
			)
			.addEdge(START, "flaky")
			.compile();
		expect((await graph.invoke({})).out).toBe("ok after 3");
	});

	it("gives up after maxAttempts with NodeError holding the last cause", async () => {
		let attempts = 0;
		const graph = new StateGraph(S)
			.addNode(
				"down",
				() => {
					attempts++;
					throw new Error(`failure ${attempts}`);
				},
				{ retry: { maxAttempts: 3, initialDelayMs: 1 } },
			)
			.addEdge(START, "down")
			.compile();
		const error = await graph.invoke({}).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "NODE_FAILED", node: "down" });
		expect((error as Error).cause).toMatchObject({ message: "failure 3" });
		expect(attempts).toBe(3);
	});

	it("retries only what retryOn accepts", async () => {
		let attempts = 0;
		const graph = new StateGraph(S)
			.addNode(
				"picky",
				() => {
					attempts++;
					throw new TypeError("a bug, not a blip");
				},
				{
					retry: {
						maxAttempts: 4,
						initialDelayMs: 1,
						retryOn: (e) => !(e instanceof TypeError),
					},
				},
			)
			.addEdge(START, "picky")
			.compile();
		await expect(graph.invoke({})).rejects.toMatchObject({
			code: "NODE_FAILED",
		});
		expect(attempts).toBe(1);
	});

	it("times a node out with NODE_TIMEOUT and aborts its signal", async () => {
		let aborted = false;
		const graph = new StateGraph(S)
			.addNode(
				"stuck",
				(_s, ctx) =>
					new Promise<void>(() => {
						ctx.signal.addEventListener("abort", () => {
							aborted = true;
						});
					}),
				{ timeoutMs: 10 },
			)
			.addEdge(START, "stuck")
			.compile();
		const error = await graph.invoke({}).catch((e: unknown) => e);
		expect(isWeftError(error, "NODE_TIMEOUT")).toBe(true);
		expect(error).toMatchObject({ node: "stuck" });
		expect(aborted).toBe(true);
	});

	it("retries a timed-out attempt", async () => {
		let attempts = 0;
		const graph = new StateGraph(S)
			.addNode(
				"slow-then-fast",
				async () => {
					attempts++;
					if (attempts === 1) await new Promise((r) => setTimeout(r, 200));
					return { out: "fast" };
				},
				{ timeoutMs: 20, retry: { maxAttempts: 2, initialDelayMs: 1 } },
			)
			.addEdge(START, "slow-then-fast")
			.compile();
		expect((await graph.invoke({})).out).toBe("fast");
	});

	it("caches a node's result by node and input", async () => {
		let calls = 0;
		const graph = new StateGraph(S)
			.addNode(
				"expensive",
				(s) => {
					calls++;
					return { out: `computed ${s.n}` };
				},
				{ cache: { key: (s) => String(s.n) } },
			)
			.addEdge(START, "expensive")
			.compile();
		expect((await graph.invoke({ n: 1 })).out).toBe("computed 1");
		expect((await graph.invoke({ n: 1 })).out).toBe("computed 1");
		expect((await graph.invoke({ n: 2 })).out).toBe("computed 2");
		expect(calls).toBe(2);
	});

	it("expires cached results after ttlMs", async () => {
		let calls = 0;
		const graph = new StateGraph(S)
			.addNode("e", () => ({ out: `call ${++calls}` }), { cache: { ttlMs: 5 } })
			.addEdge(START, "e")
			.compile();
		await graph.invoke({ n: 1 });
		await new Promise((r) => setTimeout(r, 20));
		expect((await graph.invoke({ n: 1 })).out).toBe("call 2");
	});
});
