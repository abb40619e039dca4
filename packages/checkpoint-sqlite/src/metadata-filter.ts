import type { JsonValue } from "@weft/checkpoint";

/** A metadata filter as SQL: `where` holds `?` placeholders for `params`, `shape` keys a statement cache. */
export interface FilterSql {
	where: string;
	params: unknown[];
	shape: string;
}

/**
 * Turns `ListOptions.filter` into SQL conditions on the `metadata` column (json_type / json_extract), so
 * non-matching rows are skipped inside SQLite. The conditions are never stricter than `matchesFilter`
 * (containment, the contract): scalars are compared by type and value, arrays and objects by type only,
 * and the caller checks every returned row with `matchesFilter`.
 */
export function filterSql(filter: Record<string, JsonValue>): FilterSql {
	const parts: string[] = [];
	const params: unknown[] = [];
	const shape: string[] = [];
	for (const [key, value] of Object.entries(filter)) {
		// A quoted JSON-path label has no escapes: keys that JSON would escape are left to matchesFilter.
		if (JSON.stringify(key) !== `"${key}"`) continue;
		const path = `$."${key}"`;
		if (typeof value === "string") {
			parts.push(
				"json_type(metadata, ?) = 'text' AND json_extract(metadata, ?) = ?",
			);
			params.push(path, path, value);
			shape.push("s");
		} else if (typeof value === "number" && Number.isFinite(value)) {
			parts.push(
				"json_type(metadata, ?) IN ('integer', 'real') AND json_extract(metadata, ?) = ?",
			);
			params.push(path, path, value);
			shape.push("n");
		} else {
			// true, false, null (JSON.stringify writes NaN and ±Infinity as null), arrays, objects.
			parts.push("json_type(metadata, ?) = ?");
			params.push(path, jsonType(value));
			shape.push("t");
		}
	}
	return {
		// Rows whose metadata is not a JSON object pass, so that reading them reports CORRUPT_CHECKPOINT
		// (json_type would fail the whole query with a driver error on non-JSON).
		where:
			parts.length === 0
				? ""
				: ` AND (NOT json_valid(metadata) OR json_type(metadata) <> 'object' OR (${parts.join(" AND ")}))`,
		params,
		shape: shape.join(""),
	};
}

function jsonType(value: JsonValue): string {
	if (value === true) return "true";
	if (value === false) return "false";
	if (Array.isArray(value)) return "array";
	if (typeof value === "object" && value !== null) return "object";
	return "null";
}
