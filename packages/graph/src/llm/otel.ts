// In-memory counts of the LLM layer's metrics, reported by observable counters (the OpenTelemetry API
// and the registered tracer are the runtime's: telemetry/otel-api.ts).
import type { Attributes, ObservableCounter } from "@opentelemetry/api";

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
