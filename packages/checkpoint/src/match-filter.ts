import { ConfigError } from "./errors.ts";
import type { JsonValue } from "./record.ts";

/** True when every key of `filter` equals (as JSON) the same key of `metadata`. */
export function matchesFilter(
	metadata: Record<string, unknown>,
	filter: Record<string, JsonValue>,
): boolean {
	for (const key of Object.keys(filter)) {
		if (JSON.stringify(metadata[key]) !== JSON.stringify(filter[key]))
			return false;
	}
	return true;
}

/** Ids a prune keeps: the newest `keepLast`, and those created at or after `keepSince`. */
export function keptIds(
	order: readonly string[],
	createdAt: (id: string) => string,
	options: { keepLast?: number | undefined; keepSince?: Date | undefined },
): Set<string> {
	if (options.keepLast === undefined && options.keepSince === undefined) {
		throw new ConfigError(
			"CONFIG_INVALID",
			"prune needs keepLast or keepSince: without either it would remove every checkpoint",
			{
				hint: "pass { keepLast: n } or { keepSince: date }; to remove a whole thread use deleteThread()",
			},
		);
	}
	const keep = new Set<string>();
	if (options.keepLast !== undefined) {
		for (const id of order.slice(Math.max(0, order.length - options.keepLast)))
			keep.add(id);
	}
	if (options.keepSince !== undefined) {
		const since = options.keepSince.toISOString();
		for (const id of order) if (createdAt(id) >= since) keep.add(id);
	}
	return keep;
}
