import { prefixRange, type StoreFilter } from "@weft/checkpoint/store-backend";

/** Builds a WHERE clause with numbered parameters, starting after `params`. */
export class Where {
	readonly parts: string[] = [];
	readonly params: unknown[];
	constructor(params: unknown[] = []) {
		this.params = [...params];
	}
	/** Adds a parameter and returns its placeholder. */
	p(value: unknown): string {
		this.params.push(value);
		return `$${this.params.length}`;
	}
	get sql(): string {
		return this.parts.length === 0 ? "TRUE" : this.parts.join(" AND ");
	}
}

/** Under the namespace prefix, not expired, matching the filter (top-level field = scalar, same JSON type). */
export function itemConditions(
	w: Where,
	prefix: string,
	filter: StoreFilter,
	now: number,
): Where {
	w.parts.push(`(expires_at IS NULL OR expires_at > ${w.p(now)})`);
	if (prefix !== "") {
		const { low, high } = prefixRange(prefix);
		w.parts.push(
			`(ns = ${w.p(prefix)} OR (ns >= ${w.p(low)} AND ns < ${w.p(high)}))`,
		);
	}
	for (const [field, value] of Object.entries(filter ?? {}))
		w.parts.push(
			`value -> ${w.p(field)} = ${w.p(JSON.stringify(value))}::jsonb`,
		);
	return w;
}
