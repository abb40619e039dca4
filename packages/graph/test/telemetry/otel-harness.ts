// An OpenTelemetry SDK wired to in-memory exporters, for the telemetry tests.
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
	type DataPoint,
	type Histogram,
	MeterProvider,
	MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

class TestReader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}

/** Registers a tracer provider, a meter provider and an async context manager; `stop()` unregisters. */
export function startOtel() {
	const spans = new InMemorySpanExporter();
	const tracerProvider = new BasicTracerProvider({
		spanProcessors: [new SimpleSpanProcessor(spans)],
	});
	const reader = new TestReader();
	const meterProvider = new MeterProvider({ readers: [reader] });
	const contextManager = new AsyncLocalStorageContextManager().enable();
	context.setGlobalContextManager(contextManager);
	trace.setGlobalTracerProvider(tracerProvider);
	metrics.setGlobalMeterProvider(meterProvider);
	return {
		spans: () => spans.getFinishedSpans(),
		reset: () => spans.reset(),
		/** Data points of a metric by name (after collecting). */
		async metric(name: string): Promise<DataPoint<unknown>[]> {
			const { resourceMetrics } = await reader.collect();
			for (const scope of resourceMetrics.scopeMetrics)
				for (const m of scope.metrics)
					if (m.descriptor.name === name) return m.dataPoints as never;
			return [];
		},
		async stop() {
			await tracerProvider.shutdown();
			await meterProvider.shutdown();
			trace.disable();
			metrics.disable();
			context.disable();
		},
	};
}

/** The span named `name` (the only one), failing the test if there is none or several. */
export function one(spans: ReadableSpan[], name: string): ReadableSpan {
	const found = spans.filter((s) => s.name === name);
	if (found.length !== 1)
		throw new Error(
			`${found.length} spans named "${name}": ${spans.map((s) => s.name).join(", ")}`,
		);
	return found[0]!;
}

/** The parent span id of a span. */
export const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** A histogram data point's count. */
export const countOf = (p: DataPoint<unknown>) => (p.value as Histogram).count;
