// Bad definitions and options found from outside (audit, 1 Dec): each is a typed error where it was
// given, never a silent no-op or a library's TypeError later.

import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	Command,
	END,
	human,
	MemoryCheckpointer,
	type NodeContext,
	reducer,
	Send,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0) });

const chain = () =>
	new StateGraph(S)
		.addNode("a", (s) => ({ n: s.n + 1 }))
		.addNode("b", (s) => ({ n: s.n + 1 }))
		.addEdge(START, "a")
		.addEdge("a", "b")
		.addEdge("b", END);

async function drain(events: AsyncIterable<unknown>) {
	const seen: unknown[] = [];
	for await (const e of events) seen.push(e);
	return seen;
}

describe("definition and option errors", () => {
	it("refuses an unknown stream mode (an easy typo) with CONFIG_INVALID", async () => {
		const graph = chain().compile();
		for (const mode of ["update", "bogus", ["updates", "valuez"]] as const)
			await expect(
				drain(graph.stream({}, { mode: mode as never })),
			).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining("unknown stream mode"),
				hint: expect.stringContaining('"updates"'),
			});
		const ok = await drain(graph.stream({}, { mode: ["updates", "debug"] }));
		expect(ok.length).toBeGreaterThan(1);
	});

	it("refuses run-level interruptBefore/After naming a node the graph lacks", async () => {
		const graph = chain().compile({ checkpointer: new MemoryCheckpointer() });
		await expect(
			graph.run({}, { threadId: "t", interruptBefore: ["c"] as never }),
		).rejects.toMatchObject({
			code: "CONFIG_INVALID",
			message: expect.stringContaining('"c"'),
		});
		await expect(
			graph.run({}, { threadId: "t", interruptAfter: ["a", "zz"] as never }),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
		// nothing was written
		await expect(graph.getState({ threadId: "t" })).rejects.toMatchObject({
			code: "CHECKPOINT_NOT_FOUND",
		});
	});

	it("refuses node options that cannot work at compile()", () => {
		const cases: Array<[object, string]> = [
			[{ timeoutMs: 0 }, "timeoutMs"],
			[{ timeoutMs: Number.NaN }, "timeoutMs"],
			[{ timeoutMs: -5 }, "timeoutMs"],
			[{ retry: { maxAttempts: 0 } }, "maxAttempts"],
			[{ retry: { maxAttempts: 1.5 } }, "maxAttempts"],
			[{ retry: { backoff: -1 } }, "backoff"],
			[{ retry: { initialDelayMs: -1 } }, "initialDelayMs"],
			[{ retry: { retryOn: "yes" } }, "retryOn"],
			[{ cache: { ttlMs: -1 } }, "ttlMs"],
			[{ cache: { key: 42 } }, "cache.key"],
		];
		for (const [options, what] of cases) {
			const build = () =>
				new StateGraph(S)
					.addNode("a", (s) => ({ n: s.n }), options as never)
					.addEdge(START, "a")
					.compile();
			expect(build, JSON.stringify(options)).toThrow(
				expect.objectContaining({
					code: "INVALID_GRAPH",
					message: expect.stringContaining(what),
					hint: expect.any(String),
				}),
			);
		}
		// the limits themselves are fine
		new StateGraph(S)
			.addNode("a", (s) => ({ n: s.n }), {
				timeoutMs: 1,
				retry: { maxAttempts: 1, initialDelayMs: 0, backoff: 1 },
				cache: { ttlMs: 1 },
			})
			.addEdge(START, "a")
			.compile();
	});

	it("gives typed errors for builder input that bypasses the types", () => {
		expect(() => new StateGraph({ a: 1 } as never)).toThrow(
			expect.objectContaining({ code: "INVALID_GRAPH" }),
		);
		expect(() =>
			new StateGraph(S)
				.addNode("a", (s) => ({ n: s.n }))
				.addEdge(START, "a")
				.addConditionalEdges("a", "b" as never)
				.compile(),
		).toThrow(
			expect.objectContaining({
				code: "INVALID_GRAPH",
				message: expect.stringContaining("router"),
			}),
		);
		// a node that is no function fails compile(), not the run (outside audit, 2 Dec)
		for (const fn of [5, undefined, null, "f"])
			expect(() =>
				new StateGraph(S)
					.addNode("a", fn as never)
					.addEdge(START, "a")
					.compile(),
			).toThrow(
				expect.objectContaining({
					code: "INVALID_GRAPH",
					message: expect.stringContaining('node "a" is'),
				}),
			);
		expect(() => new Command(null as never)).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
		expect(() => new Send(42 as never, {})).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
	});

	it("names a wrong interrupt id as UNKNOWN_INTERRUPT_ID when several are pending", async () => {
		const graph = new StateGraph(S)
			.addNode("x", async (_s, ctx) => ({
				n: await ctx.interrupt<number>("x?"),
			}))
			.addNode("y", async (_s, ctx) => ({
				n: await ctx.interrupt<number>("y?"),
			}))
			.addEdge(START, "x")
			.addEdge(START, "y")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		expect(paused.interrupts).toHaveLength(2);
		await expect(
			graph.run(new Command({ resume: { "0123456789abcdef": 1 } }), {
				threadId: "t",
			}),
		).rejects.toMatchObject({ code: "UNKNOWN_INTERRUPT_ID" });
		// a plain value for two interrupts stays AMBIGUOUS_RESUME
		await expect(
			graph.run(new Command({ resume: { action: "approve" } }), {
				threadId: "t",
			}),
		).rejects.toMatchObject({ code: "AMBIGUOUS_RESUME" });
	});

	it("hands nodes a read-only ctx.context without freezing the caller's object", async () => {
		const client = { calls: 0 };
		const context = { user: "u1", client };
		const graph = new StateGraph(S)
			.addNode("a", (s, ctx) => {
				(ctx.context.client as { calls: number }).calls++; // the caller's objects stay theirs
				(ctx.context as Record<string, unknown>).user = "u2";
				return { n: s.n };
			})
			.addEdge(START, "a")
			.compile();
		await expect(graph.invoke({}, { context })).rejects.toMatchObject({
			code: "STATE_MUTATED",
			message: expect.stringContaining("ctx.context"),
		});
		expect(context).toEqual({ user: "u1", client: { calls: 1 } });
		expect(Object.isFrozen(context)).toBe(false);
	});

	it("refuses getStateHistory options that cannot work, and a `before` the thread lacks", async () => {
		const graph = chain().compile({ checkpointer: new MemoryCheckpointer() });
		await graph.invoke({}, { threadId: "t" });
		for (const limit of [0, -1, 1.5, Number.NaN])
			await expect(
				drain(graph.getStateHistory({ threadId: "t" }, { limit })),
			).rejects.toMatchObject({ code: "CONFIG_INVALID" });
		await expect(
			drain(graph.getStateHistory({ threadId: "t" }, { before: "nope" })),
		).rejects.toMatchObject({ code: "CHECKPOINT_NOT_FOUND" });
		const all = await drain(graph.getStateHistory({ threadId: "t" }));
		const last = all.at(-2) as { checkpointId: string };
		expect(
			await drain(
				graph.getStateHistory(
					{ threadId: "t" },
					{ before: last.checkpointId, limit: 1 },
				),
			),
		).toHaveLength(1);
		// a thread without checkpoints has an empty history, as in LangGraph
		expect(await drain(graph.getStateHistory({ threadId: "none" }))).toEqual(
			[],
		);
	});

	it("names the state key and the node of a value the store cannot keep", async () => {
		class Unregistered {
			x = 1;
		}
		const T = z.object({ n: z.number().default(0), bad: z.any() });
		for (const checkpointer of [
			new MemoryCheckpointer(),
			new SqliteCheckpointer({ path: ":memory:" }),
		]) {
			const graph = new StateGraph(T)
				.addNode("a", (s) => ({ n: s.n + 1 }))
				.addNode("b", () => ({ bad: { deep: [new Unregistered()] } }))
				.addEdge(START, "a")
				.addEdge("a", "b")
				.compile({ checkpointer });
			await expect(graph.invoke({}, { threadId: "t" })).rejects.toMatchObject({
				code: "SERIALIZATION_FAILED",
				message: expect.stringContaining(
					'"bad.deep[0]" of the state (written by node "b")',
				),
				hint: expect.any(String),
			});
			// nothing saved was lost: the thread stands after "a"
			expect((await graph.getState({ threadId: "t" })).values.n).toBe(1);
		}
	});

	// outside check (6 Dec): 10,000 levels ran the freezing of the node's output out of stack (a RangeError
	// without a code) where 5,000 were SERIALIZATION_FAILED
	it("names a node's value nested deeper than any checkpoint may hold, however deep", async () => {
		const T = z.object({ n: z.number().default(0), v: z.any() });
		const deep: unknown[] = [];
		let at = deep;
		for (let i = 0; i < 10_000; i++) {
			const inner: unknown[] = [];
			at.push(inner);
			at = inner;
		}
		const graph = new StateGraph(T)
			.addNode("a", () => ({ v: deep }))
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await expect(graph.invoke({}, { threadId: "t" })).rejects.toMatchObject({
			code: "SERIALIZATION_FAILED",
			message: expect.stringContaining("nested more than 1000 levels"),
		});
	});

	it("refuses run metadata JSON would not give back as it is, before anything is written", async () => {
		const cp = new MemoryCheckpointer();
		const graph = chain().compile({ checkpointer: cp });
		for (const [metadata, named] of [
			[{ f: () => 1 }, "metadata.f is a function"],
			[{ n: Number.NaN }, "metadata.n is NaN"],
			[{ d: new Date(0) }, "metadata.d is a Date"],
			[{ s: "a\ud800" }, "metadata.s holds a lone surrogate"],
			[{ list: ["ok", "a\u0000b"] }, "metadata.list[1] holds a NUL"],
			[{ [Symbol("k")]: 1 }, "symbol key"],
		] as const) {
			await expect(
				graph.run({ n: 0 } as never, { threadId: "m", metadata } as never),
				named,
			).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(named),
			});
		}
		expect(await cp.getThread("m")).toBeUndefined();
	});

	it("refuses bad input before taking the lease: no thread is left behind (audit, 1 Dec)", async () => {
		for (const checkpointer of [
			new MemoryCheckpointer(),
			new SqliteCheckpointer({ path: ":memory:" }),
		]) {
			const graph = chain().compile({ checkpointer });
			await expect(
				graph.run({ nope: 1 } as never, { threadId: "t" }),
			).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
			expect(await checkpointer.getThread("t")).toBeUndefined();
			expect(await checkpointer.listThreads()).toEqual([]);
			// good input afterwards runs as on a new thread
			expect((await graph.run({}, { threadId: "t" })).status).toBe("done");
		}
	});

	it("refuses a human checkpoint without a name or zod schemas (audit, 2 Dec)", () => {
		const schemas = { request: z.object({}), response: z.string() };
		for (const [args, named] of [
			[["x"], "schemas"],
			[["", schemas], "name"],
			[[5, schemas], "name"],
			[["x", { request: {} }], "request"],
			[["x", { request: z.object({}) }], "response"],
			[["x", { request: z.object({}), response: "string" }], "response"],
		] as const) {
			let error: unknown;
			try {
				(human as (...a: unknown[]) => unknown)(...args);
			} catch (e) {
				error = e;
			}
			expect(error, JSON.stringify(args)).toMatchObject({
				code: "INVALID_GRAPH",
				message: expect.stringContaining(named),
				hint: expect.any(String),
			});
		}
	});

	it("refuses ctx.once without a key or a function (audit, 2 Dec)", async () => {
		for (const [call, named] of [
			[(ctx: NodeContext) => ctx.once(5 as never, () => 1), "key"],
			[(ctx: NodeContext) => ctx.once("", () => 1), "key"],
			[(ctx: NodeContext) => ctx.once("k", undefined as never), "function"],
		] as const) {
			let ran = 0;
			const graph = new StateGraph(S)
				.addNode("a", async (_s, ctx) => {
					ran++;
					await call(ctx);
					return {};
				})
				.addEdge(START, "a")
				.compile({ checkpointer: new MemoryCheckpointer() });
			await expect(
				graph.invoke({}, { threadId: "t" }),
				String(call),
			).rejects.toMatchObject({
				code: "INVALID_GRAPH",
				message: expect.stringContaining(named),
				hint: expect.any(String),
			});
			expect(ran).toBe(1);
		}
	});
});

describe("options that bypass the types (audit, 4 Dec)", () => {
	it("refuses compile() options of the wrong type at compile()", () => {
		const bad: Array<[Record<string, unknown>, RegExp]> = [
			[
				{ interruptAfter: "a" },
				/interruptAfter must be an array of node names, not "a"/,
			],
			[{ interruptBefore: [1] }, /interruptBefore must be an array/],
			[{ checkpointer: 5 }, /checkpointer must be a checkpointer, not 5/],
			[{ checkpointer: {} }, /an object without getTuple, put, putWrites/],
			[{ store: 5 }, /store must be a Store, not 5/],
			[{ name: 5 }, /name must be a non-empty string/],
			[{ leaseTtlMs: -5 }, /leaseTtlMs must be a positive number/],
			[{ snapshots: 3 }, /snapshots must be an object/],
			[
				{ snapshots: { minSteps: -1 } },
				/snapshots.minSteps must be a whole number/,
			],
		];
		for (const [options, message] of bad) {
			let thrown: unknown;
			try {
				chain().compile(options as never);
			} catch (error) {
				thrown = error;
			}
			expect(thrown, JSON.stringify(options)).toMatchObject({
				code: "INVALID_GRAPH",
				message: expect.stringMatching(message),
				hint: expect.any(String),
			});
		}
		expect(() =>
			new StateGraph(S)
				.addNode(42 as never, () => ({}))
				.addEdge(START, 42 as never)
				.compile(),
		).toThrow(/a node name must be a string, not 42/);
	});

	it("refuses a run config's store, tags and callbacks of the wrong type before the run", async () => {
		const graph = chain().compile();
		for (const [config, message] of [
			[{ store: 5 }, /store must be a Store, not 5/],
			[{ store: { get() {} } }, /an object without put, delete, list, search/],
			[{ tags: "abc" }, /tags must be an array of strings/],
			[
				{ callbacks: 5 },
				/callbacks must be a list of LangChain callback handlers/,
			],
		] as const)
			await expect(graph.invoke({}, config as never)).rejects.toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringMatching(message),
			});
		// what LangChain takes still runs
		await expect(
			graph.invoke({}, { tags: ["x"], callbacks: [{}] }),
		).resolves.toEqual({ n: 2 });
	});

	it("refuses reducer() arguments where the state is declared", () => {
		for (const [args, message] of [
			[[5, (a: unknown) => a], /its schema must be a zod schema, got 5/],
			[[z.array(z.string()), 5], /its merge function must be a function/],
			[
				[z.array(z.string()), (a: unknown) => a, []],
				/its init must be a function/,
			],
			[
				[z.array(z.string()), (a: unknown) => a, undefined, { update: 5 }],
				/its update option must be a zod schema/,
			],
		] as const)
			expect(() => (reducer as (...a: unknown[]) => unknown)(...args)).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					message: expect.stringMatching(message),
				}),
			);
	});

	it("checks a reducer init's value against its key's schema, and names an init that throws", async () => {
		const build = (init: () => unknown) =>
			new StateGraph(
				z.object({
					l: reducer(
						z.array(z.string()),
						(a, b) => [...a, ...b],
						init as never,
					),
				}),
			)
				.addNode("a", () => ({ l: ["x"] }))
				.addEdge(START, "a")
				.compile({ checkpointer: new MemoryCheckpointer() });
		expect(() => build(() => 5)).toThrow(
			expect.objectContaining({
				code: "VALIDATION_FAILED",
				message: expect.stringMatching(
					/the reducer init of "l" failed: its value fails the schema of "l"/,
				),
				hint: expect.stringMatching(/return the key's empty value/),
			}),
		);
		expect(() =>
			build(() => {
				throw new Error("ib");
			}),
		).toThrow(/the reducer init of "l" failed: it threw: ib/);
		// an init that throws later fails the run before its first checkpoint
		let calls = 0;
		const later = build(() => {
			if (calls++ > 0) throw new Error("later");
			return [];
		});
		await expect(later.invoke({}, { threadId: "t" })).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			message: expect.stringMatching(
				/the reducer init of "l" failed: it threw: later/,
			),
		});
		expect((await later.checkpointer!.getThread("t"))?.checkpoints ?? 0).toBe(
			0,
		);
		await expect(
			build(() => []).invoke({}, { threadId: "t" }),
		).resolves.toEqual({
			l: ["x"],
		});
	});

	it("validateInput checks input as a run would, running and reading nothing", () => {
		const graph = new StateGraph(
			z.object({ topic: z.string(), n: z.number().default(0) }),
		)
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		expect(() => graph.validateInput({ topic: 5 })).toThrow(
			expect.objectContaining({ code: "VALIDATION_FAILED" }),
		);
		expect(() => graph.validateInput({ topc: "x" })).toThrow(/"topc"/);
		expect(() => graph.validateInput(5)).toThrow(/not an object of state keys/);
		// the input is named as such, not by its internal writer name (audit, 4 Dec)
		expect(() => graph.validateInput({ topic: undefined })).toThrow(
			`the run's input sets the required key "topic" to undefined`,
		);
		// a later input may leave out a key the thread holds; a first one may not
		expect(() => graph.validateInput({ n: 1 })).not.toThrow();
		expect(() => graph.validateInput({ n: 1 }, { firstInput: true })).toThrow(
			/no value for the required key "topic"/,
		);
		for (const goesOn of [null, new Command({ resume: 1 })])
			expect(() =>
				graph.validateInput(goesOn, { firstInput: true }),
			).not.toThrow();
	});
});
