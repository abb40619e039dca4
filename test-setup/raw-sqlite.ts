// The SQLite driver of the store's package, for tests of packages that do not depend on it: they open a
// Weft SQLite file through a second connection to damage a row, hold a lock, or make another program's
// database, behind the store's back.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const RawSqlite = createRequire(
	fileURLToPath(
		new URL("../packages/checkpoint-sqlite/package.json", import.meta.url),
	),
)("better-sqlite3") as new (
	path: string,
	options?: { readonly?: boolean },
) => {
	exec(sql: string): void;
	prepare(sql: string): {
		run(...values: unknown[]): unknown;
		get(...values: unknown[]): unknown;
		all(...values: unknown[]): unknown[];
	};
	close(): void;
};
