// A misspelled option is refused, naming the option it was likely meant to be: ignored, `recursionLimt`
// ran with the default limit and `checkpointr` ran without a store, without a word.
import {
	Command,
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

	// Outside check (6 Dec): `asnode` wrote the update as if no node had, `checkpointID` read (and
	// updated) the newest checkpoint instead of the one named, `limt` listed the whole history
	it("the state reads' and updates' configs and options, and new Command(), refuse a key they do not read", async () => {
		const cp = new MemoryCheckpointer();
		const graph = builder().compile({ checkpointer: cp });
		await graph.invoke({ n: 0 }, { threadId: "t" });
		const head = (await graph.getState({ threadId: "t" })).checkpointId;
		const cases: Array<[() => Promise<unknown>, string, string]> = [
			[
				() =>
					graph.updateState({ threadId: "t" }, { n: 5 }, {
						asnode: "a",
					} as never),
				'"asnode"',
				"asNode",
			],
			[
				() =>
					graph.updateState({ threadId: "t", checkpointID: head } as never, {
						n: 5,
					}),
				'"checkpointID"',
				"checkpointId",
			],
			[
				() => graph.getState({ threadId: "t", checkpointID: head } as never),
				'"checkpointID"',
				"checkpointId",
			],
			[
				async () => {
					for await (const _ of graph.getStateHistory({ threadId: "t" }, {
						limt: 1,
					} as never));
				},
				'"limt"',
				"limit",
			],
			[async () => new Command({ resum: 1 } as never), '"resum"', "resume"],
		];
		for (const [call, key, meant] of cases) {
			const error = await refusal(call);
			expect(error, key).toMatchObject({ code: "CONFIG_INVALID" });
			expect(error?.message, key).toContain(key);
			expect(error?.hint, key).toContain(`did you mean ${meant}?`);
		}
		// a config that is no object is typed too (it threw a TypeError from the key check), and a
		// checkpointer's misspelled option is refused (a misspelled serializer ran unencrypted)
		expect(
			await refusal(() => graph.updateState("t" as never, { n: 1 })),
		).toMatchObject({ code: "CONFIG_INVALID" });
		expect(
			await refusal(
				async () => new MemoryCheckpointer({ serialiser: {} } as never),
			),
		).toMatchObject({
			code: "CONFIG_INVALID",
			hint: expect.stringContaining("serializer"),
		});
		// nothing was written: the thread still ends at its run's head
		expect((await graph.getState({ threadId: "t" })).checkpointId).toBe(head);
		// one config object passed to a run and to the reads still works
		const config = { threadId: "t", recursionLimit: 10 };
		expect((await graph.getState(config)).values).toEqual({ n: 1 });
		await graph.updateState(config, { n: 7 }, { asNode: "a" });
		expect((await graph.getState(config)).values).toEqual({ n: 7 });
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
