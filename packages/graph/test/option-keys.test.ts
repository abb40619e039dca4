// A misspelled option is refused, naming the option it was likely meant to be: ignored, `recursionLimt`
// ran with the default limit and `checkpointr` ran without a store, without a word.
import {
	ConfigError,
	GraphValidationError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number() });
const builder = (options?: object) =>
	new StateGraph(S)
		.addNode("a", (s) => ({ n: s.n + 1 }), options as never)
		.addEdge(START, "a");

async function refusal(run: () => Promise<unknown>) {
	return (await run().then(
		() => undefined,
		(e: unknown) => e,
	)) as { code: string; message: string; hint: string } | undefined;
}

describe("options Weft does not read", () => {
	it("a run config's unknown key is CONFIG_INVALID, with the key it was likely meant to be", async () => {
		const cp = new MemoryCheckpointer();
		const graph = builder().compile({ checkpointer: cp });
		const cases: Array<[object, string]> = [
			[{ threadId: "t", recursionLimt: 5 }, "recursionLimit"],
			[{ threadID: "t" }, "threadId"],
			[{ threadId: "t", singal: new AbortController().signal }, "signal"],
			[{ threadId: "t", contxt: {} }, "context"],
		];
		for (const [config, meant] of cases) {
			const error = await refusal(() =>
				graph.invoke({ n: 0 }, config as never),
			);
			expect(error).toBeInstanceOf(ConfigError);
			expect(error).toMatchObject({ code: "CONFIG_INVALID" });
			expect(error?.hint).toContain(`did you mean ${meant}?`);
		}
		// no near name: the hint lists them all
		const far = await refusal(() =>
			graph.invoke({ n: 0 }, { threadId: "t", durability: "exit" } as never),
		);
		expect(far?.message).toContain('"durability"');
		expect(far?.hint).toMatch(/^the options are threadId, checkpointId, /);
		// nothing was written by any of them
		expect(await cp.getThread("t")).toBeUndefined();
	});

	it("stream() takes its own keys, and refuses a misspelled one before any event", async () => {
		const graph = builder().compile();
		const events: unknown[] = [];
		for await (const e of graph.stream(
			{ n: 0 },
			{ mode: "updates", subgraphs: false },
		))
			events.push(e);
		expect(events.length).toBeGreaterThan(0);
		const error = await refusal(async () => {
			for await (const _ of graph.stream({ n: 0 }, {
				mdoe: "updates",
			} as never))
				throw new Error("an event came");
		});
		expect(error).toMatchObject({ code: "CONFIG_INVALID" });
		expect(error?.hint).toContain("did you mean mode?");
	});

	it("compile()'s, a node's, its retry's and cache's unknown keys are INVALID_GRAPH", () => {
		const cases: Array<[() => unknown, string, string]> = [
			[
				() =>
					builder().compile({ checkpointr: new MemoryCheckpointer() } as never),
				'unknown option "checkpointr"',
				"did you mean checkpointer?",
			],
			[
				() => builder().compile({ snapshots: { maxStep: 10 } } as never),
				"unknown option snapshots.maxStep",
				"did you mean maxSteps?",
			],
			[
				() => builder({ timeout: 100 }).compile(),
				'unknown option "timeout"',
				"did you mean timeoutMs? The options are retry, timeoutMs, cache, ends",
			],
			[
				() => builder({ retry: { maxAttempt: 2 } }).compile(),
				"unknown option retry.maxAttempt",
				"did you mean maxAttempts?",
			],
			[
				() => builder({ cache: { ttl: 1000 } }).compile(),
				"unknown option cache.ttl",
				"the options are key, ttlMs",
			],
		];
		for (const [compile, message, hint] of cases) {
			let error: unknown;
			try {
				compile();
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(GraphValidationError);
			expect(error).toMatchObject({ code: "INVALID_GRAPH" });
			expect((error as Error).message).toContain(message);
			expect((error as { hint: string }).hint).toContain(hint);
		}
	});

	it("every option API.md names is still taken", async () => {
		const cp = new MemoryCheckpointer();
		const graph = builder({
			retry: {
				maxAttempts: 2,
				initialDelayMs: 1,
				backoff: 2,
				maxDelayMs: 5,
				jitter: false,
				retryOn: () => true,
			},
			timeoutMs: 1000,
			cache: { key: () => "k", ttlMs: 1000 },
			ends: [],
		}).compile({
			checkpointer: cp,
			interruptBefore: [],
			interruptAfter: [],
			name: "g",
			leaseTtlMs: 10_000,
			snapshots: { minSteps: 2, maxSteps: 100 },
		});
		const out = await graph.invoke(
			{ n: 1 },
			{
				threadId: "t",
				checkpointId: undefined,
				recursionLimit: 10,
				signal: new AbortController().signal,
				maxConcurrency: 2,
				context: { user: "u" },
				metadata: { source: "test" },
				tags: ["x"],
				callbacks: [],
				interruptBefore: [],
				interruptAfter: [],
				waitForLease: 0,
				acceptSchemaChange: false,
			},
		);
		expect(out).toEqual({ n: 2 });
	});
});
