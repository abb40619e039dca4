// T1 (issue 13): what OpenTelemetry costs per model call on L1's agent, in CPU time (process.cpuUsage):
// the machine is shared, and wall time there measures the neighbours. Four modes rotate run by run in
// one process: "direct" (L1's direct model loop: the model calls alone), "off" (the agent, no provider:
// the default), "context" (the SDK's async context manager registered and a context active around the
// run, as an application whose SDK also instruments its HTTP server has; no provider) and "on" (a tracer
// provider with a batch processor whose exporter drops the spans, a meter provider, the context manager).
// Each figure is the median over rounds of a difference within the round, so drift falls on every mode.
// L1's overhead (the denominator) is off − direct, measured the same way in the same process.
import { HumanMessage } from "@langchain/core/messages";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
	BasicTracerProvider,
	BatchSpanProcessor,
	type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import {
	directCalls,
	finalAnswer,
	lookup,
	ScriptedAgentModel,
} from "../llm/scripted-agent-model.ts";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";

/** Takes spans and drops them: the SDK's own work is timed, not a network. */
const discard: SpanExporter = {
	export: (_spans, done) => done({ code: 0 }),
	shutdown: async () => {},
};

class Reader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}

/** A context a request's instrumentation would have made active (any value makes one). */
const REQUEST = Symbol("t1.request");

/** The SDK, made once; `on()`/`off()` register and unregister it between runs. */
function sdk() {
	const tracer = new BasicTracerProvider({
		spanProcessors: [new BatchSpanProcessor(discard)],
	});
	const meter = new MeterProvider({ readers: [new Reader()] });
	const manager = new AsyncLocalStorageContextManager().enable();
	return {
		/** Only the context manager: what the application's SDK costs with no Weft span or metric. */
		contextOnly() {
			context.setGlobalContextManager(manager);
		},
		on() {
			context.setGlobalContextManager(manager);
			trace.setGlobalTracerProvider(tracer);
			metrics.setGlobalMeterProvider(meter);
		},
		off() {
			trace.disable();
			metrics.disable();
			context.disable();
		},
		async shutdown() {
			this.off();
			await tracer.shutdown();
			await meter.shutdown();
		},
	};
}

const cpuMs = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};

type Mode = "direct" | "off" | "context" | "on";
const MODES: Mode[] = ["direct", "off", "context", "on"];

export async function t1(p: Sizes["t1"]) {
	const model = new ScriptedAgentModel(p.turns);
	const agent = createAgent({
		model,
		tools: [lookup],
		checkpointer: new MemoryCheckpointer(),
	});
	const calls = p.turns + 1;
	const ask = () => new HumanMessage("look up every step");
	let thread = 0;
	const otel = sdk();
	const run = async (mode: Mode) => {
		if (mode === "direct") {
			const messages = await directCalls(model, ask());
			check(
				messages.at(-1)?.content === finalAnswer(p.turns),
				"the direct loop gave the final answer",
			);
			return;
		}
		if (mode === "context") otel.contextOnly();
		if (mode === "on") otel.on();
		const invoke = () =>
			agent.invoke(
				{ messages: [ask()] },
				{ threadId: `t1-${thread++}`, recursionLimit: 200 },
			);
		// with the SDK, the run happens inside an active context (an instrumented request's)
		const r =
			mode === "off"
				? await invoke()
				: await context.with(context.active().setValue(REQUEST, true), invoke);
		check(
			r.messages.at(-1)?.content === finalAnswer(p.turns),
			"the agent gave its final answer",
		);
	};
	const once = async (mode: Mode) => {
		const t0 = now();
		const c0 = cpuMs();
		try {
			await run(mode);
		} finally {
			otel.off();
		}
		return { wall: now() - t0, cpu: cpuMs() - c0 };
	};
	const got = new Map<Mode, { wall: number[]; cpu: number[] }>(
		MODES.map((m) => [m, { wall: [], cpu: [] }]),
	);
	try {
		for (let i = 0; i < p.warmup; i++) for (const m of MODES) await once(m);
		gc();
		const rounds = p.runs * p.rounds;
		for (let i = 0; i < rounds; i++)
			// each round starts one mode further, so no mode always goes first
			for (let k = 0; k < MODES.length; k++) {
				const m = MODES[(i + k) % MODES.length]!;
				const t = await once(m);
				got.get(m)!.wall.push(t.wall);
				got.get(m)!.cpu.push(t.cpu);
			}
	} finally {
		await otel.shutdown();
	}
	/** The median over rounds of (a − b), per model call, in µs. */
	const per = (kind: "wall" | "cpu", a: Mode, b: Mode) => {
		const xs = got.get(a)![kind];
		const ys = got.get(b)![kind];
		return (median(xs.map((x, i) => x - ys[i]!)) * 1000) / calls;
	};
	const l1Cpu = per("cpu", "off", "direct");
	const telemetryCpu = per("cpu", "on", "off");
	const weftCpu = per("cpu", "on", "context");
	return {
		model_calls_per_run: calls,
		rounds: got.get("off")!.cpu.length,
		off_ms_per_run: round(median(got.get("off")!.wall), 3),
		on_ms_per_run: round(median(got.get("on")!.wall), 3),
		/** L1's overhead per model call in CPU (off − direct): the denominator. */
		l1_cpu_us_per_model_call: round(l1Cpu, 1),
		/** Telemetry on, all of it (on − off): Weft's spans and metrics and the SDK's context manager. */
		telemetry_cpu_us_per_model_call: round(telemetryCpu, 1),
		/** The target of issue 13: at most 0.05. */
		telemetry_cpu_share_of_l1: round(telemetryCpu / l1Cpu, 3),
		/** Of it, the context manager with a context active (context − off): the SDK's, paid without Weft. */
		context_manager_cpu_us_per_model_call: round(
			per("cpu", "context", "off"),
			1,
		),
		/** What Weft's spans and metrics add to an application that already has the SDK's context (on − context). */
		weft_telemetry_cpu_us_per_model_call: round(weftCpu, 1),
		weft_telemetry_cpu_share_of_l1: round(weftCpu / l1Cpu, 3),
		/** The same in wall time (inflated on a shared machine: for reference). */
		l1_wall_us_per_model_call: round(per("wall", "off", "direct"), 1),
		telemetry_wall_us_per_model_call: round(per("wall", "on", "off"), 1),
	};
}
