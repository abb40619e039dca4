// T1 (issue 13): what OpenTelemetry costs per model call on L1's agent. Off: no provider registered (the
// default); on: a tracer provider with a batch processor, a meter provider and the async context manager.
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
	BasicTracerProvider,
	BatchSpanProcessor,
	type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
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

function register() {
	const tracer = new BasicTracerProvider({
		spanProcessors: [new BatchSpanProcessor(discard)],
	});
	const meter = new MeterProvider({ readers: [new Reader()] });
	context.setGlobalContextManager(
		new AsyncLocalStorageContextManager().enable(),
	);
	trace.setGlobalTracerProvider(tracer);
	metrics.setGlobalMeterProvider(meter);
	return async () => {
		await tracer.shutdown();
		await meter.shutdown();
		trace.disable();
		metrics.disable();
		context.disable();
	};
}

export async function t1(p: Sizes["t1"]) {
	const off: number[] = [];
	const on: number[] = [];
	const l1Overhead: number[] = [];
	let calls = 0;
	// interleaved rounds, so drift of a shared machine falls on both sides
	for (let i = 0; i < p.rounds; i++) {
		const a = await l1(p);
		off.push(a.agent_ms_per_run);
		l1Overhead.push(a.overhead_us_per_model_call);
		calls = a.model_calls_per_run;
		const unregister = register();
		try {
			on.push((await l1(p)).agent_ms_per_run);
		} finally {
			await unregister();
		}
	}
	const offMs = median(off);
	const onMs = median(on);
	const perCallUs = ((onMs - offMs) * 1000) / calls;
	const l1Us = median(l1Overhead);
	return {
		model_calls_per_run: calls,
		off_ms_per_run: round(offMs, 3),
		on_ms_per_run: round(onMs, 3),
		l1_overhead_us_per_model_call: round(l1Us, 1),
		telemetry_us_per_model_call: round(perCallUs, 1),
		/** The target of issue 13: at most 0.05 of L1's overhead per model call. */
		telemetry_share_of_l1: round(perCallUs / l1Us, 3),
		telemetry_share_of_agent_time: round((onMs - offMs) / offMs, 3),
	};
}
