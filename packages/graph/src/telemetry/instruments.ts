// Weft's OpenTelemetry instruments, through `@opentelemetry/api` only: the application chooses the SDK.
// The API itself is loaded only once the application registers something with it (`otel-api.ts`).
import type { Attributes, Histogram, MeterProvider } from "@opentelemetry/api";
import { contained } from "./contained.ts";
import { otelApi, SCOPE } from "./otel-api.ts";
import { Tally } from "./tally.ts";

/**
 * Weft's metric instruments (noop ones while no meter provider is registered). Durations are histograms
 * (one record each); counts are tallies kept in memory and read by observable instruments when the
 * application's reader collects, so counting costs no SDK call.
 */
export interface Instruments {
	/** False while no meter provider is registered: callers skip building attributes. */
	readonly on: boolean;
	readonly runDuration: Histogram;
	readonly stepDuration: Histogram;
	readonly nodeDuration: Histogram;
	readonly interruptWait: Histogram;
	/** Runs in flight, by graph (`weft.runs.active`, an observable up-down counter). */
	readonly runsActive: Tally;
	/** Node attempts retried, by node and error type (`weft.node.retries`). */
	readonly retries: Tally;
	/** Interrupts a run paused at, by graph (`weft.interrupts`). */
	readonly interrupts: Tally;
	/** Attribute sets made once and reused for every record (the SDK hashes them on each record). */
	readonly attributes: AttributeCache;
}

/** Attribute objects by key, built on first use. */
export class AttributeCache {
	readonly #sets = new Map<string, Attributes>();

	get(key: string, build: () => Attributes): Attributes {
		let a = this.#sets.get(key);
		if (a === undefined) {
			a = Object.freeze(build());
			this.#sets.set(key, a);
		}
		return a;
	}
}

const OFF_HISTOGRAM: Histogram = { record() {} };
/** The instruments while the API is not loaded: nothing registered, nothing recorded. */
const OFF: Instruments = {
	on: false,
	runDuration: OFF_HISTOGRAM,
	stepDuration: OFF_HISTOGRAM,
	nodeDuration: OFF_HISTOGRAM,
	interruptWait: OFF_HISTOGRAM,
	runsActive: new Tally(),
	retries: new Tally(),
	interrupts: new Tally(),
	attributes: new AttributeCache(),
};
let noopHistogram: Histogram | undefined;
let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/**
 * The instruments of the current global meter provider, made once per provider: the metrics API has no
 * proxy, so a provider registered after Weft was imported is picked up here.
 */
export function instruments(): Instruments {
	const api = otelApi();
	if (api === undefined) return OFF;
	const provider = api.metrics.getMeterProvider();
	if (cached?.provider !== provider) {
		noopHistogram ??= api.createNoopMeter().createHistogram("weft.probe");
		let made = OFF;
		try {
			made = build(provider, noopHistogram);
		} catch (error) {
			contained(error); // the provider threw making the instruments: no metrics, the run goes on
		}
		cached = { provider, instruments: made };
	}
	return cached.instruments;
}

function build(provider: MeterProvider, noop: Histogram): Instruments {
	const m = provider.getMeter(SCOPE);
	const seconds = (name: string, description: string) =>
		m.createHistogram(name, { unit: "s", description });
	const runDuration = seconds("weft.run.duration", "Duration of graph runs");
	const on = runDuration !== noop;
	const runsActive = new Tally();
	const retries = new Tally();
	const interrupts = new Tally();
	if (on) {
		runsActive.observeWith(
			m.createObservableUpDownCounter("weft.runs.active", {
				unit: "{run}",
				description: "Runs in flight",
			}),
		);
		retries.observeWith(
			m.createObservableCounter("weft.node.retries", {
				unit: "{retry}",
				description: "Node attempts retried after a failure",
			}),
		);
		interrupts.observeWith(
			m.createObservableCounter("weft.interrupts", {
				unit: "{interrupt}",
				description: "Interrupts a run paused at",
			}),
		);
	}
	return {
		on,
		runDuration,
		stepDuration: seconds("weft.step.duration", "Duration of supersteps"),
		nodeDuration: seconds("weft.node.duration", "Duration of node tasks"),
		interruptWait: seconds(
			"weft.interrupt.wait",
			"Time from a pause to the resume that answered it",
		),
		runsActive,
		retries,
		interrupts,
		attributes: new AttributeCache(),
	};
}
