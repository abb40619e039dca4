// T1 A/B (issue 13): two builds of @weft/graph in one process, T1's modes rotated run by run, so a change
// to the telemetry code is compared with the code before it in the same minutes and the same process
// (on a shared machine, separate processes minutes apart measure the neighbours). Copy each build's
// `packages/graph/dist` to `packages/graph/.ab/<label>/dist` (ignored by git; its imports resolve to the
// workspace's packages, so both builds share one @langchain/core and one @opentelemetry/api), then:
//   node --expose-gc --import tsx bench/src/weft/t1-ab.ts <labelA> <labelB> [rounds]
// Prints, per build, L1's overhead per model call (off − direct), telemetry on (on − off), Weft's part
// (on − context) and the share of L1, all CPU µs per model call, medians of within-round differences;
// and the median within-round difference on(A) − on(B).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { HumanMessage } from "@langchain/core/messages";
import {
	type MeterProvider as ApiMeterProvider,
	context,
	type Meter,
	metrics,
	type Span,
	type Tracer,
	type TracerProvider,
	trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
	AlwaysOffSampler,
	BasicTracerProvider,
	BatchSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import {
	directCalls,
	finalAnswer,
	lookup,
	ScriptedAgentModel,
} from "../llm/scripted-agent-model.ts";
import { check, gc } from "../measure.ts";
import { median, round } from "../stats.ts";

const [a, b, roundsArg = "150"] = process.argv.slice(2);
if (a === undefined || b === undefined)
	throw new Error("usage: t1-ab.ts <labelA> <labelB> [rounds]");
const TURNS = 10;
const CALLS = TURNS + 1;

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
const REQUEST = Symbol("t1.request");

type Agent = {
	invoke(
		input: { messages: HumanMessage[] },
		config: { threadId: string; recursionLimit: number },
	): Promise<{ messages: { content: unknown }[] }>;
};
async function agentOf(label: string): Promise<Agent> {
	const dir = resolve(
		import.meta.dirname,
		"../../../packages/graph/.ab",
		label,
	);
	const llm = (await import(
		pathToFileURL(`${dir}/dist/llm/index.js`).href
	)) as { createAgent: (o: object) => Agent };
	return llm.createAgent({
		model: new ScriptedAgentModel(TURNS),
		tools: [lookup],
		checkpointer: new MemoryCheckpointer(),
	});
}
const agents = { A: await agentOf(a), B: await agentOf(b) };
const model = new ScriptedAgentModel(TURNS);

type Mode =
	| "direct"
	| `${"off" | "ctx" | "on" | "spans" | "metrics" | "fake" | "sampled"}${"A" | "B"}`;
const MODES: Mode[] = ["direct", "offA", "offB", "ctxA", "ctxB", "onA", "onB"];
// T1_AB_SPLIT=1: also build A with the tracer provider only ("spans") and with the meter provider only
// ("metrics"), both with the context manager: what each half of "on" costs in place; and with providers
// whose spans and instruments do nothing ("fake": Weft's own code and its context switches, no SDK work)
const SPLIT = process.env.T1_AB_SPLIT === "1";
if (SPLIT) MODES.push("spansA", "metricsA", "fakeA", "fakeB", "sampledA");
/** "sampled": every run sampled out (`AlwaysOffSampler`), metrics on: what sampling leaves. */
const sampledOut = new BasicTracerProvider({
	sampler: new AlwaysOffSampler(),
	spanProcessors: [
		new BatchSpanProcessor({
			export: (_s, done) => done({ code: 0 }),
			shutdown: async () => {},
		}),
	],
});

/** A span that records nothing but says it does, so Weft does all its own work around it. */
const FAKE_CONTEXT = {
	traceId: "0af7651916cd43dd8448eb211c80319c",
	spanId: "b7ad6b7169203331",
	traceFlags: 1,
};
const fakeSpan: Span = {
	spanContext: () => FAKE_CONTEXT,
	setAttribute: () => fakeSpan,
	setAttributes: () => fakeSpan,
	addEvent: () => fakeSpan,
	addLink: () => fakeSpan,
	addLinks: () => fakeSpan,
	setStatus: () => fakeSpan,
	updateName: () => fakeSpan,
	end: () => {},
	isRecording: () => true,
	recordException: () => {},
};
const fakeTracer = {
	startSpan: () => fakeSpan,
	startActiveSpan: () => {
		throw new Error("not used by Weft");
	},
} as unknown as Tracer;
const fakeTracerProvider: TracerProvider = { getTracer: () => fakeTracer };
const fakeInstrument = {
	record() {},
	add() {},
	addCallback() {},
	removeCallback() {},
};
const fakeMeterProvider = {
	getMeter: () => new Proxy({}, { get: () => () => fakeInstrument }) as Meter,
} as ApiMeterProvider;
const cpuUs = () => {
	const u = process.cpuUsage();
	return u.user + u.system;
};
let thread = 0;
async function once(mode: Mode): Promise<number> {
	const c0 = cpuUs();
	try {
		if (mode === "direct") {
			const m = await directCalls(
				model,
				new HumanMessage("look up every step"),
			);
			check(m.at(-1)?.content === finalAnswer(TURNS), "direct answer");
			return cpuUs() - c0;
		}
		const agent = agents[mode.endsWith("A") ? "A" : "B"];
		if (!mode.startsWith("off")) context.setGlobalContextManager(manager);
		if (mode.startsWith("sampled")) {
			trace.setGlobalTracerProvider(sampledOut);
			metrics.setGlobalMeterProvider(meterProvider);
		}
		if (mode.startsWith("fake")) {
			trace.setGlobalTracerProvider(fakeTracerProvider);
			metrics.setGlobalMeterProvider(fakeMeterProvider);
		}
		if (mode.startsWith("on") || mode.startsWith("spans"))
			trace.setGlobalTracerProvider(tracerProvider);
		if (mode.startsWith("on") || mode.startsWith("metrics"))
			metrics.setGlobalMeterProvider(meterProvider);
		const invoke = () =>
			agent.invoke(
				{ messages: [new HumanMessage("look up every step")] },
				{ threadId: `ab-${thread++}`, recursionLimit: 200 },
			);
		const r = mode.startsWith("off")
			? await invoke()
			: await context.with(context.active().setValue(REQUEST, true), invoke);
		check(r.messages.at(-1)?.content === finalAnswer(TURNS), "agent answer");
		return cpuUs() - c0;
	} finally {
		trace.disable();
		metrics.disable();
		context.disable();
	}
}

const got = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
for (let i = 0; i < 10; i++) for (const m of MODES) await once(m);
gc();
const rounds = Number(roundsArg);
/**
 * The order of round `i`'s runs, shuffled (seeded): a run pays part of the garbage of the run before it,
 * so no build's mode may always follow the same mode. `T1_ORDER=rotate`: each round one mode further.
 */
function roundOrder<T>(modes: readonly T[]): (i: number) => T[] {
	if (process.env.T1_ORDER === "rotate")
		return (i) => modes.map((_, k) => modes[(i + k) % modes.length]!);
	let seed = 0x7431;
	const next = () => {
		seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
		return seed / 2 ** 32;
	};
	return () => {
		const out = [...modes];
		for (let k = out.length - 1; k > 0; k--) {
			const j = Math.floor(next() * (k + 1));
			[out[k], out[j]] = [out[j]!, out[k]!];
		}
		return out;
	};
}

// shuffled rounds: with a fixed cyclic order, a mode always follows the same one and pays its garbage
const order = roundOrder(MODES);
for (let i = 0; i < rounds; i++)
	for (const m of order(i)) got.get(m)!.push(await once(m));
await tracerProvider.shutdown();
await meterProvider.shutdown();

/** Median over rounds of (x − y), per model call, µs. */
const per = (x: Mode, y: Mode) => {
	const xs = got.get(x)!;
	const ys = got.get(y)!;
	return round(median(xs.map((v, i) => v - ys[i]!)) / CALLS, 1);
};
const side = (s: "A" | "B") => {
	const l1 = per(`off${s}`, "direct");
	const on = per(`on${s}`, `off${s}`);
	return {
		l1_cpu_us: l1,
		telemetry_cpu_us: on,
		context_cpu_us: per(`ctx${s}`, `off${s}`),
		weft_cpu_us: per(`on${s}`, `ctx${s}`),
		share_of_l1: round(on / l1, 3),
	};
};
process.stdout.write(
	`${JSON.stringify({
		rounds,
		load: (await import("node:os")).loadavg()[0],
		[a]: side("A"),
		[b]: side("B"),
		on_a_minus_on_b_cpu_us: per("onA", "onB"),
		off_a_minus_off_b_cpu_us: per("offA", "offB"),
		...(SPLIT
			? {
					[`${a}_spans_only_cpu_us`]: per("spansA", "ctxA"),
					[`${a}_metrics_only_cpu_us`]: per("metricsA", "ctxA"),
					[`${a}_weft_code_without_sdk_cpu_us`]: per("fakeA", "ctxA"),
					[`${a}_sdk_in_place_cpu_us`]: per("onA", "fakeA"),
					[`${b}_weft_code_without_sdk_cpu_us`]: per("fakeB", "ctxB"),
					[`${b}_sdk_in_place_cpu_us`]: per("onB", "fakeB"),
					fake_a_minus_fake_b_cpu_us: per("fakeA", "fakeB"),
					[`${a}_sampled_out_cpu_us`]: per("sampledA", "ctxA"),
				}
			: {}),
	})}\n`,
);
