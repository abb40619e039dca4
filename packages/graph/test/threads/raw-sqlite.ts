import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * The SQLite driver of the store's package (this package does not depend on it), for tests that damage a
 * row of a Weft SQLite file from outside, through a second connection.
 */
export const RawSqlite = createRequire(
	join(import.meta.dirname, "../../../checkpoint-sqlite/package.json"),
)("better-sqlite3") as new (
	path: string,
) => {
	prepare(sql: string): {
		run(...values: unknown[]): unknown;
		get(...values: unknown[]): unknown;
		all(...values: unknown[]): unknown[];
	};
	close(): void;
};
