// T1's floor (issue 13): what the OpenTelemetry SDK itself costs for the work Weft asks of it per model
// call, in CPU time, with T1's "on" setup (a BasicTracerProvider with a BatchSpanProcessor whose exporter
// drops the spans, a MeterProvider with a reader, the AsyncLocalStorageContextManager, a context active).
// Part 1 times each SDK call alone, in a loop; part 2 counts what one run of L1's agent asks of the SDK,
// so the two multiply into a floor per model call that no code of Weft's can go under.
//   node --conditions @weft/source --expose-gc --import tsx bench/src/weft/t1-floor.ts [iterations]
import { HumanMessage } from "@langchain/core/messages";
import {
	type Attributes,
	context,
	type Histogram,
	metrics,
	type Span,
	trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
	BasicTracerProvider,
	BatchSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { lookup, ScriptedAgentModel } from "../llm/scripted-agent-model.ts";
import { gc } from "../measure.ts";
import { median, round } from "../stats.ts";

class Reader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}
const tracerProvider = new BasicTracerProvider({
	spanProcessors: [
		new BatchSpanProcessor({
			export: (_s, done) => done({ code: 0 }),
			shutdown: async () => {},
		}),
	],
});
const meterProvider = new MeterProvider({ readers: [new Reader()] });
const manager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(manager);
trace.setGlobalTracerProvider(tracerProvider);
metrics.setGlobalMeterProvider(meterProvider);

const N = Number(process.argv[2] ?? 20_000);
const cpuUs = () => {
	const u = process.cpuUsage();
	return u.user + u.system;
};
/** CPU µs per call of `fn` (median of 7 batches of N calls). */
async function perOp(fn: (i: number) => unknown): Promise<number> {
	const batches: number[] = [];
	for (let b = 0; b < 8; b++) {
		gc();
		const c0 = cpuUs();
		for (let i = 0; i < N; i++) {
			const r = fn(i);
			if (r instanceof Promise) await r;
		}
		if (b > 0) batches.push((cpuUs() - c0) / N); // the first batch warms up
	}
	return round(median(batches), 2);
}

const tracer = tracerProvider.getTracer("@weft/graph");
const meter = meterProvider.getMeter("@weft/graph");
const histogram: Histogram = meter.createHistogram("weft.node.duration", {
	unit: "s",
});
const nodeAttributes: Attributes = Object.freeze({
	"weft.graph": "agent",
	"weft.node": "model",
	"weft.outcome": "ok",
});
const chatAttributes: Attributes = Object.freeze({
	"gen_ai.operation.name": "chat",
	"gen_ai.request.model": "scripted-agent",
});
const REQUEST = Symbol("t1.request");

await context.with(context.active().setValue(REQUEST, true), async () => {
	const root = context.active();
	const parentSpan = tracer.startSpan("weft.run agent", {}, root);
	const parent = trace.setSpan(root, parentSpan);
	const chatSpan = () => {
		const s = tracer.startSpan(
			"chat scripted-agent",
			{
				kind: 2,
				attributes: {
					"gen_ai.operation.name": "chat",
					"weft.node": "model",
					"weft.step": 3,
					"gen_ai.request.model": "scripted-agent",
					"weft.thread_id": "t-1",
				},
			},
			parent,
		);
		s.setAttributes({
			"gen_ai.usage.input_tokens": 20,
			"gen_ai.usage.output_tokens": 8,
			"gen_ai.response.model": "scripted-agent",
		});
		s.setStatus({ code: 1 });
		s.end();
		return s;
	};
	const nodeSpan = () => {
		const s = tracer.startSpan(
			"weft.node model",
			{ attributes: { "weft.node": "model", "weft.task_id": "abc" } },
			parent,
		);
		s.setStatus({ code: 1 });
		s.end();
		return s;
	};
	let span: Span = parentSpan;
	const results = {
		/** A `chat` span: start with 5 attributes, 3 more at the end, status, end. */
		chat_span_us: await perOp(chatSpan),
		/** A node span: start with 2 attributes, status, end. */
		node_span_us: await perOp(nodeSpan),
		/** `trace.setSpan`: the context a child span is started in. */
		set_span_us: await perOp(() => trace.setSpan(parent, span)),
		/** `context.with` around a synchronous function. */
		context_with_sync_us: await perOp(() => context.with(parent, () => 1)),
		/** `context.with` around an async function (one await inside): the promise hooks of the store. */
		context_with_async_us: await perOp(() =>
			context.with(parent, async () => {
				await undefined;
			}),
		),
		/** The same async function with no `context.with` (to subtract). */
		async_fn_us: await perOp(async () => {
			await undefined;
		}),
		/** A histogram record with a frozen 3-attribute set made once. */
		histogram_record_us: await perOp((i) =>
			histogram.record(i / 1000, nodeAttributes),
		),
		/** A histogram record with a 2-attribute set. */
		histogram_record_2_us: await perOp((i) =>
			histogram.record(i / 1000, chatAttributes),
		),
	};
	span = nodeSpan();
	parentSpan.end();
	const replay = await replayFloor();
	const counts = await countPerModelCall();
	const floor =
		counts.spans * results.node_span_us +
		counts.chat_spans * (results.chat_span_us - results.node_span_us) +
		counts.set_span * results.set_span_us +
		counts.context_with *
			(results.context_with_async_us - results.async_fn_us) +
		counts.records * results.histogram_record_us;
	process.stdout.write(
		`${JSON.stringify({
			iterations: N,
			per_sdk_call: results,
			per_model_call: counts,
			sdk_floor_us_per_model_call: round(floor / counts.model_calls, 1),
			replay,
		})}\n`,
	);
});
await tracerProvider.shutdown();
await meterProvider.shutdown();

/**
 * The SDK work of one run of L1's agent replayed without Weft or LangChain: the same spans (run; per
 * step a step span and a node span made active; a `chat` span made active around the model's await, or
 * an `execute_tool` span around the tool's), the same attributes and the same metric records, in the
 * same async shape; against the same shape with no SDK call (only the awaits, in an active context).
 * CPU µs per model call: the floor of "on − context" in T1, garbage of the held spans included.
 */
async function replayFloor() {
	const work = async () => {
		await undefined;
	};
	const graphAttributes = Object.freeze({ "weft.graph": "agent" });
	const tokenIn = Object.freeze({
		...chatAttributes,
		"gen_ai.token.type": "input",
	});
	const tokenOut = Object.freeze({
		...chatAttributes,
		"gen_ai.token.type": "output",
	});
	const oneRun = async (sdk: boolean) => {
		if (!sdk) {
			for (let step = 1; step <= 21; step++) {
				await work();
				await work();
			}
			return;
		}
		const root = context.active();
		const run = tracer.startSpan(
			"weft.run agent",
			{ attributes: { "weft.graph": "agent", "weft.thread_id": "t-1" } },
			root,
		);
		const runCtx = trace.setSpan(root, run);
		const t0 = performance.now();
		for (let step = 1; step <= 21; step++) {
			const s0 = performance.now();
			const stepSpan = tracer.startSpan(
				"weft.step",
				{ attributes: { "weft.step": step } },
				runCtx,
			);
			const stepCtx = trace.setSpan(runCtx, stepSpan);
			const model = step % 2 === 1;
			const node = model ? "model" : "tools";
			const n0 = performance.now();
			const nodeSpan = tracer.startSpan(
				`weft.node ${node}`,
				{ attributes: { "weft.node": node, "weft.task_id": "abc" } },
				stepCtx,
			);
			await context.with(trace.setSpan(stepCtx, nodeSpan), async () => {
				const parent = context.active();
				const c0 = performance.now();
				const span = model
					? tracer.startSpan(
							"chat scripted-agent",
							{
								kind: 2,
								attributes: {
									"gen_ai.operation.name": "chat",
									"weft.node": node,
									"weft.step": step,
									"gen_ai.request.model": "scripted-agent",
									"weft.thread_id": "t-1",
								},
							},
							parent,
						)
					: tracer.startSpan(
							"execute_tool lookup",
							{
								attributes: {
									"gen_ai.operation.name": "execute_tool",
									"gen_ai.tool.name": "lookup",
									"gen_ai.tool.call.id": "call_1",
									"weft.node": node,
									"weft.step": step,
								},
							},
							parent,
						);
				await context.with(trace.setSpan(parent, span), work);
				if (model)
					span.setAttributes({
						"gen_ai.usage.input_tokens": 20,
						"gen_ai.usage.output_tokens": 8,
						"gen_ai.response.model": "scripted-agent",
					});
				span.setStatus({ code: 1 });
				span.end();
				if (model) {
					histogram.record((performance.now() - c0) / 1000, chatAttributes);
					histogram.record(20, tokenIn);
					histogram.record(8, tokenOut);
				}
			});
			nodeSpan.setStatus({ code: 1 });
			nodeSpan.end();
			histogram.record((performance.now() - n0) / 1000, nodeAttributes);
			stepSpan.end();
			histogram.record((performance.now() - s0) / 1000, graphAttributes);
		}
		run.setAttributes({ "weft.run.status": "done", "weft.steps": 21 });
		run.end();
		histogram.record((performance.now() - t0) / 1000, graphAttributes);
	};
	const runs = Math.max(200, Math.round(N / 20));
	const diffs: number[] = [];
	for (let i = 0; i < 50; i++) {
		await oneRun(true);
		await oneRun(false);
	}
	gc();
	for (let i = 0; i < runs; i++) {
		const c0 = cpuUs();
		await oneRun(true);
		const c1 = cpuUs();
		await oneRun(false);
		diffs.push(c1 - c0 - (cpuUs() - c1));
	}
	return {
		runs,
		/** 64 spans, 42 `context.with`, 76 histogram records per run of 11 model calls. */
		sdk_floor_us_per_model_call: round(median(diffs) / 11, 1),
		mean_us_per_model_call: round(
			diffs.reduce((s, d) => s + d, 0) / runs / 11,
			1,
		),
	};
}

/**
 * What one run of L1's agent (10 tool turns, 11 model calls) asks of the SDK, counted by wrapping it:
 * spans started, contexts made with a span, `context.with` calls, histogram records.
 */
async function countPerModelCall() {
	const n = {
		spans: 0,
		chat_spans: 0,
		set_span: 0,
		context_with: 0,
		records: 0,
	};
	const counted = <T extends object>(
		target: T,
		key: keyof T & string,
		count: (a: unknown[]) => void,
	) => {
		const f = target[key] as unknown as (...a: unknown[]) => unknown;
		(target as Record<string, unknown>)[key] = function (
			this: unknown,
			...a: unknown[]
		) {
			count(a);
			return f.apply(this, a);
		};
	};
	const t = tracerProvider.getTracer("@weft/graph");
	counted(
		Object.getPrototypeOf(t) as { startSpan: () => Span },
		"startSpan",
		(a) => {
			n.spans++;
			if (String(a[0]).startsWith("chat")) n.chat_spans++;
		},
	);
	counted(trace, "setSpan", () => n.set_span++);
	counted(manager, "with", () => n.context_with++);
	counted(
		Object.getPrototypeOf(histogram) as { record: () => void },
		"record",
		() => n.records++,
	);
	const agent = createAgent({
		model: new ScriptedAgentModel(10),
		tools: [lookup],
		checkpointer: new MemoryCheckpointer(),
	});
	// one run to warm up, uncounted
	await agent.invoke(
		{ messages: [new HumanMessage("look up every step")] },
		{ threadId: "floor-0", recursionLimit: 200 },
	);
	for (const k of Object.keys(n)) n[k as keyof typeof n] = 0;
	const runs = 50;
	for (let i = 1; i <= runs; i++)
		await agent.invoke(
			{ messages: [new HumanMessage("look up every step")] },
			{ threadId: `floor-${i}`, recursionLimit: 200 },
		);
	const modelCalls = 11 * runs;
	const perCall = (x: number) => round(x / modelCalls, 2);
	return {
		model_calls: modelCalls,
		spans: n.spans,
		chat_spans: n.chat_spans,
		set_span: n.set_span,
		context_with: n.context_with,
		records: n.records,
		spans_per_call: perCall(n.spans),
		set_span_per_call: perCall(n.set_span),
		context_with_per_call: perCall(n.context_with),
		records_per_call: perCall(n.records),
	};
}
