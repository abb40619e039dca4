// What the LLM layer's telemetry shares: the tracer of the registered provider and in-memory counts
// reported by observable counters. (`@weft/graph`'s core keeps its own: the layer uses its public API only.)
import {
	type Attributes,
	type ObservableCounter,
	ProxyTracerProvider,
	type Tracer,
	type TracerProvider,
	trace,
} from "@opentelemetry/api";

/** The instrumentation scope of the layer's spans and metrics (the runtime's). */
export const SCOPE = "@weft/graph";

const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
let tracing: { provider: TracerProvider; tracer: Tracer | undefined } = {
	provider: NOOP_TRACER_PROVIDER,
	tracer: undefined,
};

/**
 * The tracer of the provider registered now, asked once per provider, or undefined while none is
 * (then no span is started and no attribute built).
 */
export function llmTracer(): Tracer | undefined {
	const global = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
	// duck-typed: the global proxy may come from another copy of the API (its CommonJS or ESM build)
	const provider =
		typeof global.getDelegate === "function"
			? global.getDelegate()
			: (global as TracerProvider);
	if (tracing.provider !== provider)
		tracing = {
			provider,
			tracer:
				provider === NOOP_TRACER_PROVIDER
					? undefined
					: provider.getTracer(SCOPE),
		};
	return tracing.tracer;
}

/** One attribute set's running sum in a `Counts`. */
export interface CountPoint {
	readonly attributes: Attributes;
	value: number;
}

/**
 * Sums per attribute set kept in memory and reported by an observable counter at each collection:
 * adding is a field update, where a synchronous counter's `add` hashes its attribute set every time.
 */
export class Counts {
	readonly #points = new Map<string, CountPoint>();

	constructor(instrument: ObservableCounter) {
		instrument.addCallback((result) => {
			for (const p of this.#points.values())
				result.observe(p.value, p.attributes);
		});
	}

	/** The point of `key`, made with `attributes()` on first use. */
	point(key: string, attributes: () => Attributes): CountPoint {
		let p = this.#points.get(key);
		if (p === undefined) {
			p = { attributes: Object.freeze(attributes()), value: 0 };
			this.#points.set(key, p);
		}
		return p;
	}
}
