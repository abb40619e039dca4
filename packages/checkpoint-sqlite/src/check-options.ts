import { invalidOption, keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import type { SqliteCheckpointerOptions } from "./sqlite-checkpointer.ts";

const OPTION_KEYS = keysOf<SqliteCheckpointerOptions>({
	path: true,
	serializer: true,
	synchronous: true,
	readOnly: true,
	busyTimeoutMs: true,
	clock: true,
});

const NEW = 'new SqliteCheckpointer({ path: "weft.db" })';

/** The constructor's options, checked before any file is touched (CONFIG_INVALID naming the option). */
export function checkOptions<T extends { path: string }>(options: T): T {
	if (typeof options !== "object" || (options as unknown) === null)
		throw invalidOption(
			"SqliteCheckpointer needs options with a path",
			`pass ${NEW}, or { path: ":memory:" } for a database in memory`,
		);
	const o = options as unknown as Record<string, unknown>;
	refuseUnknownKeys(o, OPTION_KEYS, "SqliteCheckpointer");
	if (typeof o.path !== "string")
		throw invalidOption(
			`SqliteCheckpointer: path must be a string, not ${describe(o.path)}`,
			`pass ${NEW}, or { path: ":memory:" } for a database in memory`,
		);
	// SQLite opens "" as an anonymous temporary database: nothing would be kept, silently
	if (o.path === "")
		throw invalidOption(
			"SqliteCheckpointer: path is empty",
			'pass a file path (e.g. "weft.db"), or ":memory:" for a database in memory that is not kept',
		);
	// the file system ends a path at its first NUL: the data would go to another file, silently
	if (o.path.includes("\0"))
		throw invalidOption(
			`SqliteCheckpointer: path ${JSON.stringify(o.path)} holds a NUL character`,
			"pass the file's path without it (a path ends at a NUL, so another file would be opened)",
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
	if (
		o.busyTimeoutMs !== undefined &&
		(typeof o.busyTimeoutMs !== "number" ||
			!Number.isInteger(o.busyTimeoutMs) ||
			o.busyTimeoutMs < 0 ||
			o.busyTimeoutMs > 2 ** 31 - 1)
	)
		throw invalidOption(
			`SqliteCheckpointer: busyTimeoutMs must be a whole number of milliseconds from 0 to 2³¹−1, not ${describe(o.busyTimeoutMs)}`,
			"leave it out for 5000 ms",
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

function describe(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (value === null) return "null";
	if (typeof value === "object") return "an object";
	if (typeof value === "function") return "a function";
	return String(value);
}
