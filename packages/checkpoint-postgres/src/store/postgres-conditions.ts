import {
	type FilterCondition,
	prefixRange,
	type StoreFilter,
} from "@weft/checkpoint/store-backend";

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

/**
 * Under the namespace prefix, not expired, meeting the filter's conditions (a top-level field compared
 * with a scalar of the same JSON type; text in code point order, `COLLATE "C"`, as the other stores).
 */
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
	for (const c of filter) w.parts.push(comparison(w, c));
	return w;
}

const SQL_OP = { gt: ">", gte: ">=", lt: "<", lte: "<=" };

function comparison(w: Where, c: FilterCondition): string {
	const field = w.p(c.field);
	if (c.op === "eq" || c.op === "ne") {
		const equal = `value -> ${field} = ${w.p(JSON.stringify(c.value))}::jsonb`;
		// a field the value lacks is not equal to anything: `$ne` holds for it (NULL otherwise)
		return c.op === "eq" ? equal : `(${equal}) IS NOT TRUE`;
	}
	// in a CASE, so that a field of another type is never cast (AND may evaluate either side first)
	return typeof c.value === "number"
		? `CASE WHEN jsonb_typeof(value -> ${field}) = 'number' THEN value -> ${field} ${SQL_OP[c.op]} ${w.p(JSON.stringify(c.value))}::jsonb ELSE FALSE END`
		: `CASE WHEN jsonb_typeof(value -> ${field}) = 'string' THEN (value ->> ${field}) COLLATE "C" ${SQL_OP[c.op]} ${w.p(c.value)}::text COLLATE "C" ELSE FALSE END`;
}
