// Telemetry never fails a run: an OpenTelemetry SDK that throws (a span processor's onStart, onEnding or
// onEnd, a meter's record) is contained at Weft's telemetry boundary and reported to the API's diag
// logger; the run, its model calls and its tool calls go on as without telemetry.
import { HumanMessage } from "@langchain/core/messages";
import {
	type Context,
	type ContextManager,
	context,
	type DiagLogger,
	DiagLogLevel,
	diag,
	metrics,
	trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	SimpleSpanProcessor,
	type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
	END,
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { addThenAnswer, makeTools } from "../llm/fixtures.ts";

class TestReader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}

const broken = (): never => {
	throw new Error("processor broke");
};
const noop = () => {};

/** A processor that throws from the hooks named. */
function throwing(
	hooks: ReadonlyArray<"onStart" | "onEnding" | "onEnd">,
): SpanProcessor {
	return {
		onStart: hooks.includes("onStart") ? broken : noop,
		onEnding: hooks.includes("onEnding") ? broken : noop,
		onEnd: hooks.includes("onEnd") ? broken : noop,
		forceFlush: async () => {},
		shutdown: async () => {},
	};
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
	await stop?.();
	stop = undefined;
});

/**
 * Registers a tracer provider with `processor` (after an in-memory exporter), if asked a meter whose
 * records throw, and a context manager (an async one by default).
 */
function register(
	processor: SpanProcessor,
	brokenMeter = false,
	contextManager: ContextManager = new AsyncLocalStorageContextManager(),
) {
	const spans = new InMemorySpanExporter();
	const tracerProvider = new BasicTracerProvider({
		spanProcessors: [new SimpleSpanProcessor(spans), processor],
	});
	const meterProvider = new MeterProvider({
		readers: [new TestReader()],
		views: brokenMeter
			? [
					{
						instrumentName: "*",
						attributesProcessors: [{ process: broken }],
					},
				]
			: [],
	});
	const reported: unknown[][] = [];
	const logger: DiagLogger = {
		error: (...args) => reported.push(args),
		warn: noop,
		info: noop,
		debug: noop,
		verbose: noop,
	};
	diag.setLogger(logger, DiagLogLevel.ERROR);
	context.setGlobalContextManager(contextManager.enable());
	trace.setGlobalTracerProvider(tracerProvider);
	metrics.setGlobalMeterProvider(meterProvider);
	stop = async () => {
		await tracerProvider.shutdown();
		await meterProvider.shutdown();
		trace.disable();
		metrics.disable();
		context.disable();
		diag.disable();
	};
	return { spans: () => spans.getFinishedSpans(), reported };
}

function agent(model = addThenAnswer()) {
	const { add } = makeTools();
	return createAgent({
		model,
		tools: [add],
		checkpointer: new MemoryCheckpointer(),
		name: "calc",
	});
}

/** A node that fails once (retried), then answers; then a node that interrupts. */
function flakyThenAsk() {
	let calls = 0;
	return new StateGraph(z.object({ n: z.number() }))
		.addNode(
			"flaky",
			() => {
				if (++calls === 1) throw new Error("flake");
				return { n: 1 };
			},
			{ retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false } },
		)
		.addNode("ask", async (_s, ctx) => ({
			n: await ctx.interrupt<number>("how many?"),
		}))
		.addEdge(START, "flaky")
		.addEdge("flaky", "ask")
		.addEdge("ask", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name: "g" });
}

const ask = { messages: [new HumanMessage("What is 1 + 2?")] };

describe.each([
	["onStart", ["onStart"]],
	["onEnding", ["onEnding"]],
	["onEnd", ["onEnd"]],
	["every hook", ["onStart", "onEnding", "onEnd"]],
] as const)("a span processor whose %s throws", (_name, hooks) => {
	it("does not fail an agent run, its model calls or its tool calls", async () => {
		const { reported } = register(throwing(hooks));
		const r = await agent().run(ask, { threadId: "a" });
		expect(r.status).toBe("done");
		const texts = r.values.messages.map((m) => m.text);
		expect(texts).toContain("3"); // the tool answered
		expect(texts.at(-1)).toBe("The answer is 3.");
		expect(reported.length).toBeGreaterThan(0);
	});

	it("does not fail a retried node, an interrupt or a resume", async () => {
		register(throwing(hooks));
		const graph = flakyThenAsk();
		const paused = await graph.run({ n: 0 }, { threadId: "g" });
		expect(paused.status).toBe("interrupted");
		const { Command } = await import("@weft/graph");
		const done = await graph.run(new Command({ resume: 7 }), {
			threadId: "g",
		});
		expect(done.status).toBe("done");
		expect(done.values.n).toBe(7);
	});

	it("leaves a failed run failing with its own error, not the processor's", async () => {
		register(throwing(hooks));
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [{ fail: "bad-request", message: "no such model" }],
		});
		const error = await agent(model)
			.run(ask, { threadId: "f" })
			.catch((e: unknown) => e);
		expect(isWeftError(error)).toBe(true);
		expect((error as Error).message).not.toContain("processor broke");
	});

	it("does not fail a cancelled run", async () => {
		register(throwing(hooks));
		const stopRun = new AbortController();
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("wait", async (_s, ctx) => {
				stopRun.abort();
				await new Promise((_r, reject) =>
					ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
				);
				return { n: 1 };
			})
			.addEdge(START, "wait")
			.addEdge("wait", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "c" });
		const r = await graph.run(
			{ n: 0 },
			{ threadId: "c", signal: stopRun.signal },
		);
		expect(r.status).toBe("cancelled");
	});
});

describe("a meter whose records throw", () => {
	it("does not fail a run, its model calls or its tool calls", async () => {
		const { spans, reported } = register(throwing([]), true);
		const r = await agent().run(ask, { threadId: "m" });
		expect(r.status).toBe("done");
		expect(r.values.messages.at(-1)!.text).toBe("The answer is 3.");
		// the spans were still recorded
		expect(spans().some((s) => s.name === "invoke_agent calc")).toBe(true);
		expect(reported.length).toBeGreaterThan(0);
	});

	it("does not fail a retried node or a paused run", async () => {
		register(throwing([]), true);
		const r = await flakyThenAsk().run({ n: 0 }, { threadId: "m2" });
		expect(r.status).toBe("interrupted");
	});
});

/** A context manager whose `with` throws before calling the function, or after it returned. */
class ThrowingWith extends AsyncLocalStorageContextManager {
	constructor(readonly when: "before" | "after") {
		super();
	}
	override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
		ctx: Context,
		fn: F,
		thisArg?: ThisParameterType<F>,
		...args: A
	): ReturnType<F> {
		if (this.when === "before") throw new Error("context manager broke");
		super.with(ctx, fn, thisArg, ...args);
		throw new Error("context manager broke");
	}
}

describe.each(["before", "after"] as const)(
	"a context manager whose with throws %s calling the function",
	(when) => {
		it("does not fail an agent run; each model and tool call is made once", async () => {
			const { reported } = register(
				throwing([]),
				false,
				new ThrowingWith(when),
			);
			const model = addThenAnswer();
			const { add, calls } = makeTools();
			const r = await createAgent({
				model,
				tools: [add],
				checkpointer: new MemoryCheckpointer(),
				name: "calc",
			}).run(ask, { threadId: `cm-a-${when}` });
			expect(r.status).toBe("done");
			expect(r.values.messages.map((m) => m.text)).toEqual([
				"What is 1 + 2?",
				"",
				"3",
				"The answer is 3.",
			]);
			expect(model.calls).toHaveLength(2);
			expect(calls.add).toBe(1);
			expect(reported.length).toBeGreaterThan(0);
		});

		it("runs each node once, a retried node once per attempt, and gives the same result", async () => {
			register(throwing([]), false, new ThrowingWith(when));
			let plain = 0;
			let flaky = 0;
			const graph = new StateGraph(z.object({ n: z.number() }))
				.addNode("plain", (s) => {
					plain++;
					return { n: s.n + 1 };
				})
				.addNode(
					"flaky",
					async (s) => {
						if (++flaky === 1) throw new Error("flake");
						return { n: s.n * 10 };
					},
					{ retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false } },
				)
				.addEdge(START, "plain")
				.addEdge("plain", "flaky")
				.addEdge("flaky", END)
				.compile({ checkpointer: new MemoryCheckpointer(), name: "p" });
			const r = await graph.run({ n: 1 }, { threadId: `cm-p-${when}` });
			expect(r.status).toBe("done");
			expect(r.values.n).toBe(20);
			expect(plain).toBe(1);
			expect(flaky).toBe(2);
		});

		it("leaves a failing node failing with its own error", async () => {
			register(throwing([]), false, new ThrowingWith(when));
			let runs = 0;
			const graph = new StateGraph(z.object({ n: z.number() }))
				.addNode("boom", () => {
					runs++;
					throw new TypeError("node broke");
				})
				.addEdge(START, "boom")
				.addEdge("boom", END)
				.compile({ checkpointer: new MemoryCheckpointer(), name: "b" });
			const error = await graph
				.run({ n: 0 }, { threadId: `cm-b-${when}` })
				.catch((e: unknown) => e);
			expect(isWeftError(error, "NODE_FAILED")).toBe(true);
			expect((error as Error).message).toContain("node broke");
			expect(runs).toBe(1);
		});
	},
);

/** A context manager whose `active()` throws (a broken or half-shut-down manager of the application's). */
class ThrowingActive extends AsyncLocalStorageContextManager {
	override active(): Context {
		throw new Error("context manager broke");
	}
}

describe("a context manager whose active() throws", () => {
	it("does not fail an agent run; each model and tool call is made once", async () => {
		// the SDK's own SimpleSpanProcessor reads the manager too (its export fails): collect ended spans here
		const ended: string[] = [];
		const { reported } = register(
			{ ...throwing([]), onEnd: (s) => ended.push(s.name) },
			false,
			new ThrowingActive(),
		);
		const model = addThenAnswer();
		const { add, calls } = makeTools();
		const r = await createAgent({
			model,
			tools: [add],
			checkpointer: new MemoryCheckpointer(),
			name: "calc",
		}).run(ask, { threadId: "ca-a" });
		expect(r.status).toBe("done");
		expect(r.values.messages.at(-1)!.text).toBe("The answer is 3.");
		expect(model.calls).toHaveLength(2);
		expect(calls.add).toBe(1);
		expect(reported.length).toBeGreaterThan(0);
		// the spans are still made and ended, from the root context
		expect(ended).toContain("invoke_agent calc");
		expect(ended).toContain("execute_tool add");
	});

	it("does not fail a retried node, an interrupt or a resume", async () => {
		register(throwing([]), false, new ThrowingActive());
		const graph = flakyThenAsk();
		const paused = await graph.run({ n: 0 }, { threadId: "ca-g" });
		expect(paused.status).toBe("interrupted");
		const { Command } = await import("@weft/graph");
		const done = await graph.run(new Command({ resume: 7 }), {
			threadId: "ca-g",
		});
		expect(done.status).toBe("done");
		expect(done.values.n).toBe(7);
	});
});
