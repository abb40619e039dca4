import {
	type FilterCondition,
	prefixRange,
	type StoreFilter,
} from "@weft/checkpoint/store-backend";

/** A WHERE fragment and its parameters. */
export interface Where {
	sql: string;
	params: unknown[];
}

/**
 * Conditions on `i` (the items table) for a search: under the namespace prefix, not expired, and meeting
 * the filter's conditions (a top-level field of the JSON value compared with a scalar of the same JSON
 * type; text by its UTF-8 bytes, which is Unicode code point order).
 */
export function itemConditions(
	prefix: string,
	filter: StoreFilter,
	now: number,
): Where {
	const parts = ["(i.expires_at IS NULL OR i.expires_at > ?)"];
	const params: unknown[] = [now];
	if (prefix !== "") {
		const { low, high } = prefixRange(prefix);
		parts.push("(i.ns = ? OR (i.ns >= ? AND i.ns < ?))");
		params.push(prefix, low, high);
	}
	for (const c of filter) {
		const path = `$.${JSON.stringify(c.field)}`;
		const [sql, ...values] = comparison(c, path);
		// a field the value lacks is not equal to anything: `$ne` holds for it (NULL otherwise)
		parts.push(c.op === "ne" ? `NOT IFNULL(${sql}, 0)` : sql);
		params.push(...values);
	}
	return { sql: parts.join(" AND "), params };
}

const SQL_OP = { eq: "=", ne: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** The condition's SQL (for `$ne`, its `$eq`) and parameters. */
function comparison(c: FilterCondition, path: string): [string, ...unknown[]] {
	const { value } = c;
	if (value === null) return ["json_type(i.value, ?) = 'null'", path];
	if (typeof value === "boolean")
		return ["json_type(i.value, ?) = ?", path, value ? "true" : "false"];
	// a number as JavaScript reads it: SQLite reads an integer's text exactly (up to 2⁶³), which for one
	// past 2⁵³ is not the double JSON.stringify wrote it from (2 ** 60 is stored "1152921504606847000")
	const [types, extracted] =
		typeof value === "number"
			? ["'integer', 'real'", "CAST(json_extract(i.value, ?) AS REAL)"]
			: ["'text'", "json_extract(i.value, ?)"];
	return [
		`(json_type(i.value, ?) IN (${types}) AND ${extracted} ${SQL_OP[c.op]} ?)`,
		path,
		path,
		value,
	];
}
