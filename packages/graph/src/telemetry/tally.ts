import type {
	Attributes,
	ObservableCounter,
	ObservableResult,
	ObservableUpDownCounter,
} from "@opentelemetry/api";

/** One attribute set's running value in a `Tally`. */
export interface TallyPoint {
	readonly attributes: Attributes;
	value: number;
}

/**
 * A sum per attribute set, kept in memory and reported by an observable counter when the application's
 * metric reader collects. Adding to it costs a map lookup, not an SDK call (the SDK hashes the
 * attribute set of every synchronous record); the reported figures are the same cumulative sums.
 */
export class Tally {
	readonly #points = new Map<string, TallyPoint>();

	/** The point of `key`, made with `attributes()` on first use; callers may keep it and add to `value`. */
	point(key: string, attributes: () => Attributes): TallyPoint {
		let p = this.#points.get(key);
		if (p === undefined) {
			p = { attributes: Object.freeze(attributes()), value: 0 };
			this.#points.set(key, p);
		}
		return p;
	}

	add(key: string, value: number, attributes: () => Attributes): void {
		this.point(key, attributes).value += value;
	}

	/** Reports every point through `instrument` at each collection. */
	observeWith(instrument: ObservableCounter | ObservableUpDownCounter): void {
		instrument.addCallback((result: ObservableResult) => {
			for (const p of this.#points.values())
				result.observe(p.value, p.attributes);
		});
	}
}
