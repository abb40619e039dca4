// T1 (issue 13): what OpenTelemetry costs per model call on L1's agent. Off: no provider registered (the
// default); on: a tracer provider with a batch processor (spans dropped by the exporter), a meter
// provider and the async context manager; a third mode has the context manager alone (what the SDK costs
// the application without Weft's spans). The modes rotate run by run on one agent, and each figure is the
// median of the differences within a round, in wall and in CPU time: drift of a shared machine falls on
// every side.
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
	finalAnswer,
	lookup,
	ScriptedAgentModel,
} from "../llm/scripted-agent-model.ts";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import { l1 } from "./l1.ts";

/** Takes spans and drops them: the SDK's own work is timed, not a network. */
const discard: SpanExporter = {
	export: (_spans, done) => done({ code: 0 }),
	shutdown: async () => {},
};

class Reader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}

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

export async function t1(p: Sizes["t1"]) {
	// the denominator: L1's overhead per model call, telemetry off
	const l1Overhead: number[] = [];
	for (let i = 0; i < p.rounds; i++)
		l1Overhead.push((await l1(p)).overhead_us_per_model_call);
	const model = new ScriptedAgentModel(p.turns);
	const agent = createAgent({
		model,
		tools: [lookup],
		checkpointer: new MemoryCheckpointer(),
	});
	const calls = p.turns + 1;
	let thread = 0;
	const once = async () => {
		const t0 = now();
		const c0 = cpuMs();
		const r = await agent.invoke(
			{ messages: [new HumanMessage("look up every step")] },
			{ threadId: `t1-${thread++}`, recursionLimit: 200 },
		);
		const wall = now() - t0;
		const cpu = cpuMs() - c0;
		check(
			r.messages.at(-1)?.content === finalAnswer(p.turns),
			"the agent gave its final answer",
		);
		return { wall, cpu };
	};
	const otel = sdk();
	const modes = [() => {}, () => otel.contextOnly(), () => otel.on()];
	const wall: number[][] = [[], [], []];
	const cpu: number[][] = [[], [], []];
	const diff = { wall: [] as number[], cpu: [] as number[] };
	const ctxDiff = { wall: [] as number[], cpu: [] as number[] };
	try {
		for (let i = 0; i < p.warmup; i++)
			for (const mode of modes) {
				mode();
				await once();
				otel.off();
			}
		gc();
		const rounds = p.runs * p.rounds;
		for (let i = 0; i < rounds; i++) {
			// off, context only, on: each round starts one further, so no mode always goes first
			const got: { wall: number; cpu: number }[] = [];
			for (let k = 0; k < 3; k++) {
				const m = (i + k) % 3;
				modes[m]!();
				got[m] = await once();
				otel.off();
			}
			for (let m = 0; m < 3; m++) {
				wall[m]!.push(got[m]!.wall);
				cpu[m]!.push(got[m]!.cpu);
			}
			diff.wall.push(got[2]!.wall - got[0]!.wall);
			diff.cpu.push(got[2]!.cpu - got[0]!.cpu);
			ctxDiff.wall.push(got[1]!.wall - got[0]!.wall);
			ctxDiff.cpu.push(got[1]!.cpu - got[0]!.cpu);
		}
	} finally {
		await otel.shutdown();
	}
	const off = { wall: wall[0]!, cpu: cpu[0]! };
	const on = { wall: wall[2]!, cpu: cpu[2]! };
	const perCallUs = (median(diff.wall) * 1000) / calls;
	const perCallCpuUs = (median(diff.cpu) * 1000) / calls;
	const l1Us = median(l1Overhead);
	return {
		model_calls_per_run: calls,
		rounds: diff.wall.length,
		off_ms_per_run: round(median(off.wall), 3),
		on_ms_per_run: round(median(on.wall), 3),
		l1_overhead_us_per_model_call: round(l1Us, 1),
		telemetry_us_per_model_call: round(perCallUs, 1),
		telemetry_cpu_us_per_model_call: round(perCallCpuUs, 1),
		/** The target of issue 13: at most 0.05 of L1's overhead per model call. */
		telemetry_share_of_l1: round(perCallUs / l1Us, 3),
		telemetry_cpu_share_of_l1: round(perCallCpuUs / l1Us, 3),
		/** Of the above: the async context manager alone (the SDK's, paid with or without Weft). */
		context_manager_us_per_model_call: round(
			(median(ctxDiff.wall) * 1000) / calls,
			1,
		),
		context_manager_cpu_us_per_model_call: round(
			(median(ctxDiff.cpu) * 1000) / calls,
			1,
		),
		telemetry_share_of_agent_time: round(
			median(diff.wall) / median(off.wall),
			3,
		),
	};
}
