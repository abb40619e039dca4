import { invalidOption, keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import type { SqliteCheckpointerOptions } from "./sqlite-checkpointer.ts";
import type { SqliteStoreOptions } from "./store/sqlite-store.ts";

const OPTION_KEYS = keysOf<SqliteCheckpointerOptions>({
	path: true,
	serializer: true,
	synchronous: true,
	readOnly: true,
	busyTimeoutMs: true,
	clock: true,
});

const STORE_KEYS = keysOf<SqliteStoreOptions>({
	path: true,
	index: true,
	busyTimeoutMs: true,
});

/** The constructor's options, checked before any file is touched (CONFIG_INVALID naming the option). */
export function checkOptions<T extends { path: string }>(options: T): T {
	const o = checkFileOptions(
		options,
		"SqliteCheckpointer",
		'new SqliteCheckpointer({ path: "weft.db" })',
		OPTION_KEYS,
	);
	if (
		o.synchronous !== undefined &&
		o.synchronous !== "normal" &&
		o.synchronous !== "full"
	)
		throw invalidOption(
			`SqliteCheckpointer: synchronous must be "normal" or "full", not ${describe(o.synchronous)}`,
			'leave it out for "normal" (durable across process crashes), or "full" (across power loss too)',
		);
	if (o.readOnly !== undefined && typeof o.readOnly !== "boolean")
		throw invalidOption(
			`SqliteCheckpointer: readOnly must be true or false, not ${describe(o.readOnly)}`,
			"leave it out to open the file for reading and writing",
		);
	if (o.clock !== undefined && typeof o.clock !== "function")
		throw invalidOption(
			`SqliteCheckpointer: clock must be a function returning ms since the epoch, not ${describe(o.clock)}`,
			"leave it out for Date.now",
		);
	return options;
}

/** The store's options (`new SqliteStore`), checked as the checkpointer's are. */
export function checkStoreOptions(
	options: SqliteStoreOptions,
): SqliteStoreOptions {
	checkFileOptions(
		options,
		"SqliteStore",
		'new SqliteStore({ path: "weft.db" })',
		STORE_KEYS,
	);
	return options;
}

/**
 * What both constructors take alike: an object of known keys, a path that names a file (a non-empty
 * string without NUL, or ":memory:"), a busy timeout SQLite can use.
 */
function checkFileOptions(
	options: unknown,
	who: string,
	example: string,
	known: ReadonlySet<string>,
): Record<string, unknown> {
	if (typeof options !== "object" || options === null)
		throw invalidOption(
			`${who} needs options with a path`,
			`pass ${example}, or { path: ":memory:" } for a database in memory`,
		);
	const o = options as Record<string, unknown>;
	refuseUnknownKeys(o, known, who);
	if (typeof o.path !== "string")
		throw invalidOption(
			`${who}: path must be a string, not ${describe(o.path)}`,
			`pass ${example}, or { path: ":memory:" } for a database in memory`,
		);
	// SQLite opens "" as an anonymous temporary database: nothing would be kept, silently
	if (o.path === "")
		throw invalidOption(
			`${who}: path is empty`,
			'pass a file path (e.g. "weft.db"), or ":memory:" for a database in memory that is not kept',
		);
	// the file system ends a path at its first NUL: the data would go to another file, silently
	if (o.path.includes("\0"))
		throw invalidOption(
			`${who}: path ${JSON.stringify(o.path)} holds a NUL character`,
			"pass the file's path without it (a path ends at a NUL, so another file would be opened)",
		);
	if (
		o.busyTimeoutMs !== undefined &&
		(typeof o.busyTimeoutMs !== "number" ||
			!Number.isInteger(o.busyTimeoutMs) ||
			o.busyTimeoutMs < 0 ||
			o.busyTimeoutMs > 2 ** 31 - 1)
	)
		throw invalidOption(
			`${who}: busyTimeoutMs must be a whole number of milliseconds from 0 to 2³¹−1, not ${describe(o.busyTimeoutMs)}`,
			"leave it out for 5000 ms",
		);
	return o;
}

function describe(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (value === null) return "null";
	if (typeof value === "object") return "an object";
	if (typeof value === "function") return "a function";
	return String(value);
}
