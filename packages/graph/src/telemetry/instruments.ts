// Weft's OpenTelemetry instruments, through `@opentelemetry/api` only: the application chooses the SDK.
import {
	type Counter,
	createNoopMeter,
	type Histogram,
	type MeterProvider,
	metrics,
	type Tracer,
	trace,
	type UpDownCounter,
} from "@opentelemetry/api";

/** The instrumentation scope of every span and metric Weft records. */
export const SCOPE = "@weft/graph";

/** Weft's metric instruments (noop ones while no meter provider is registered). */
export interface Instruments {
	/** False while no meter provider is registered: callers skip building attributes. */
	readonly on: boolean;
	readonly runDuration: Histogram;
	readonly stepDuration: Histogram;
	readonly nodeDuration: Histogram;
	readonly runsActive: UpDownCounter;
	readonly retries: Counter;
	readonly interrupts: Counter;
	readonly interruptWait: Histogram;
}

const NOOP_HISTOGRAM = createNoopMeter().createHistogram("weft.probe");
let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/**
 * The instruments of the current global meter provider, made once per provider: the metrics API has no
 * proxy, so a provider registered after Weft was imported is picked up here.
 */
export function instruments(): Instruments {
	const provider = metrics.getMeterProvider();
	if (cached?.provider !== provider)
		cached = { provider, instruments: build(provider) };
	return cached.instruments;
}

function build(provider: MeterProvider): Instruments {
	const m = provider.getMeter(SCOPE);
	const seconds = (name: string, description: string) =>
		m.createHistogram(name, { unit: "s", description });
	const runDuration = seconds("weft.run.duration", "Duration of graph runs");
	return {
		on: runDuration !== NOOP_HISTOGRAM,
		runDuration,
		stepDuration: seconds("weft.step.duration", "Duration of supersteps"),
		nodeDuration: seconds("weft.node.duration", "Duration of node tasks"),
		runsActive: m.createUpDownCounter("weft.runs.active", {
			unit: "{run}",
			description: "Runs in flight",
		}),
		retries: m.createCounter("weft.node.retries", {
			unit: "{retry}",
			description: "Node attempts retried after a failure",
		}),
		interrupts: m.createCounter("weft.interrupts", {
			unit: "{interrupt}",
			description: "Interrupts a run paused at",
		}),
		interruptWait: seconds(
			"weft.interrupt.wait",
			"Time from a pause to the resume that answered it",
		),
	};
}

/** Weft's tracer from the provider registered now (asked once per run: a cached proxy keeps its first delegate). */
export function tracer(): Tracer {
	return trace.getTracer(SCOPE);
}
