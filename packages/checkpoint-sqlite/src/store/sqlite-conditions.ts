import { prefixRange, type StoreFilter } from "@weft/checkpoint/store-backend";

/** A WHERE fragment and its parameters. */
export interface Where {
	sql: string;
	params: unknown[];
}

/**
 * Conditions on `i` (the items table) for a search: under the namespace prefix, not expired, and matching
 * the filter (a top-level field of the JSON value equal to a scalar, of the same JSON type).
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
	for (const [field, value] of Object.entries(filter ?? {})) {
		const path = `$.${JSON.stringify(field)}`;
		if (value === null) {
			parts.push("json_type(i.value, ?) = 'null'");
			params.push(path);
		} else if (typeof value === "boolean") {
			parts.push("json_type(i.value, ?) = ?");
			params.push(path, value ? "true" : "false");
		} else if (typeof value === "number") {
			parts.push(
				"(json_type(i.value, ?) IN ('integer', 'real') AND json_extract(i.value, ?) = ?)",
			);
			params.push(path, path, value);
		} else {
			parts.push(
				"(json_type(i.value, ?) = 'text' AND json_extract(i.value, ?) = ?)",
			);
			params.push(path, path, value);
		}
	}
	return { sql: parts.join(" AND "), params };
}
