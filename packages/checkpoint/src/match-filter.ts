import type {
	ListOptions,
	ListThreadsOptions,
	PruneOptions,
} from "./checkpointer.ts";
import type { JsonValue } from "./record.ts";
import { invalidOption } from "./store-errors.ts";

/**
 * Whether `value` contains `filter` as Postgres's `jsonb @>` does (LangGraph's metadata filters): an
 * object each of the filter's keys with a contained value, an array each of the filter's elements in some
 * element, anything else an equal value.
 */
export function contains(value: unknown, filter: unknown): boolean {
	if (Array.isArray(filter))
		return (
			Array.isArray(value) &&
			filter.every((f) => value.some((v) => contains(v, f)))
		);
	if (typeof filter === "object" && filter !== null)
		return (
			typeof value === "object" &&
			value !== null &&
			!Array.isArray(value) &&
			Object.entries(filter).every(([k, f]) =>
				contains((value as Record<string, unknown>)[k], f),
			)
		);
	return value === filter;
}

/**
 * True when `metadata` contains `filter` (`contains`): each key's scalar equal, a nested object by its
 * keys, an array by its elements, as LangGraph's checkpoint metadata filter (jsonb `@>`).
 */
export function matchesFilter(
	metadata: Record<string, unknown>,
	filter: Record<string, JsonValue>,
): boolean {
	return contains(metadata, filter);
}

/** Refuses a `list` filter that is not a plain object (`null`, an array, a string) with CONFIG_INVALID. */
export function checkFilter(
	filter: ListOptions["filter"] | null,
): Record<string, JsonValue> | undefined {
	if (filter === undefined) return undefined;
	if (typeof filter !== "object" || filter === null || Array.isArray(filter))
		throw invalidOption(
			`a metadata filter must be an object of top-level values, got ${filter === null ? "null" : Array.isArray(filter) ? "an array" : typeof filter}`,
			"pass { filter: { key: value } }, or leave filter out to list everything",
		);
	const problem = notJson(filter, "filter", new Set());
	if (problem !== undefined)
		throw invalidOption(
			`a metadata filter must hold JSON values: ${problem}`,
			"filter by strings, finite numbers, booleans, null, arrays or plain objects",
		);
	return filter;
}

/**
 * Where `value` holds what JSON cannot say as it is (undefined, a function, a symbol, a BigInt, NaN or
 * ±Infinity, a Map, a Date, any object not plain, a cycle), named by its path; undefined when nothing.
 * Such a value in a filter matched nothing, silently (JSON.stringify dropped or rewrote it).
 */
function notJson(
	value: unknown,
	path: string,
	seen: Set<object>,
): string | undefined {
	if (value === null || typeof value === "string" || typeof value === "boolean")
		return undefined;
	if (typeof value === "number")
		return Number.isFinite(value) ? undefined : `${path} is ${value}`;
	if (typeof value !== "object")
		return `${path} is ${typeof value === "bigint" ? "a BigInt" : typeof value === "undefined" ? "undefined" : `a ${typeof value}`}`;
	const proto = Object.getPrototypeOf(value);
	if (!Array.isArray(value) && proto !== Object.prototype && proto !== null)
		return `${path} is a ${proto?.constructor?.name ?? "non-plain object"}, not a plain object`;
	if (seen.has(value)) return `${path} refers back to itself`;
	seen.add(value);
	const entries: [string, unknown][] = Array.isArray(value)
		? value.map((v, i) => [`${path}[${i}]`, v])
		: Object.entries(value).map(([k, v]) => [`${path}.${k}`, v]);
	for (const [at, v] of entries) {
		const problem = notJson(v, at, seen);
		if (problem !== undefined) return problem;
	}
	seen.delete(value);
	return undefined;
}

const THREAD_STATUSES: ReadonlySet<string> = new Set([
	"running",
	"interrupted",
	"done",
	"failed",
	"cancelled",
	"stale",
]);

/** Refuses `listThreads` options that are not an object, an unknown status, or a limit that is not a number. */
export function checkListThreadsOptions(
	options: ListThreadsOptions | null | undefined,
): ListThreadsOptions {
	if (options === undefined) return {};
	if (typeof options !== "object" || options === null || Array.isArray(options))
		throw invalidOption(
			"listThreads options must be an object",
			"pass { status, limit }, or leave the options out",
		);
	if (options.status !== undefined && !THREAD_STATUSES.has(options.status))
		throw invalidOption(
			`no thread status "${String(options.status)}"`,
			`use one of: ${[...THREAD_STATUSES].join(", ")}`,
		);
	const { limit } = options;
	if (
		limit !== undefined &&
		!(typeof limit === "number" && !Number.isNaN(limit))
	)
		throw invalidOption(
			`listThreads limit must be a number, not ${String(limit)}`,
			"pass e.g. { limit: 20 }",
		);
	return options;
}

/**
 * Refuses prune options that would remove what they should not: neither `keepLast` nor `keepSince`,
 * a `keepLast` that is not an integer ≥ 1 (0, -1, 1.5, NaN, Infinity), or a `keepSince` that is not a
 * valid Date. Throws CONFIG_INVALID.
 */
export function checkPruneOptions(options: PruneOptions): void {
	const { keepLast, keepSince, rebuild } = options ?? {};
	if (keepLast === undefined && keepSince === undefined)
		throw invalidOption(
			"prune needs keepLast or keepSince: without either it would remove every checkpoint",
			"pass { keepLast: n } or { keepSince: date }; to remove a whole thread use deleteThread()",
		);
	if (
		keepLast !== undefined &&
		!(Number.isSafeInteger(keepLast) && keepLast >= 1)
	)
		throw invalidOption(
			`prune's keepLast must be an integer of at least 1, got ${String(keepLast)}`,
			"pass { keepLast: n } with n ≥ 1 (the heads of a thread's branches are always kept)",
		);
	if (
		keepSince !== undefined &&
		!(keepSince instanceof Date && Number.isFinite(keepSince.getTime()))
	)
		throw invalidOption(
			`prune's keepSince must be a valid Date, got ${String(keepSince)}`,
			"pass { keepSince: new Date(ms) } with a real time",
		);
	if (rebuild !== undefined && typeof rebuild !== "function")
		throw invalidOption(
			"prune's rebuild must be a function",
			"pass the graph's rebuild function, or leave it out",
		);
}

/**
 * Ids a prune keeps: the newest `keepLast` (by `seq`: `order` is oldest first), those created at or
 * after `keepSince`, and every id of `always` (the heads of branches and checkpoints with a pending
 * interrupt). Checks the options first (see `checkPruneOptions`).
 */
export function keptIds(
	order: readonly string[],
	createdAt: (id: string) => string,
	options: PruneOptions,
	always: Iterable<string> = [],
): Set<string> {
	checkPruneOptions(options);
	const keep = new Set<string>(always);
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
