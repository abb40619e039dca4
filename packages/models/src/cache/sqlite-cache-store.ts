import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import {
	ConfigError,
	keysOf,
	thrownMessage,
	WeftError,
} from "@weft/checkpoint";
import Database from "better-sqlite3";
import {
	checkNumber,
	checkOptionObject,
	configInvalid,
	describe,
} from "../config-check.ts";
import type {
	CachedResponse,
	ResponseCacheStore,
} from "./response-cache-store.ts";

/** Options of the SQLite response cache. */
export interface SqliteCacheStoreOptions {
	/** A file path or ":memory:"; ignored when `database` is given. */
	path?: string | undefined;
	/** An open better-sqlite3 database to share (e.g. the checkpoint store's file). */
	database?: Database.Database | undefined;
	/** Table name. Default "weft_response_cache". */
	table?: string | undefined;
	/** Default time to live. Default: none. */
	ttlMs?: number | undefined;
}

// a misspelt `file` (for path) kept the cache in memory without a word
const OPTION_KEYS = keysOf<SqliteCacheStoreOptions>({
	path: true,
	database: true,
	table: true,
	ttlMs: true,
});

/** The path, checked as the SQLite checkpointer checks its own: "" would open a throwaway database. */
function checkPath(path: unknown): void {
	if (path === undefined) return;
	if (typeof path !== "string")
		throw configInvalid(
			`SqliteCacheStore path must be a string, got ${describe(path)}`,
			'pass a file path (e.g. "weft-cache.db"), or leave it out for a cache in memory',
		);
	// SQLite opens "" as an anonymous temporary database: nothing would be kept, silently
	if (path === "")
		throw configInvalid(
			"SqliteCacheStore path is empty",
			'pass a file path (e.g. "weft-cache.db"), or ":memory:" (or no path) for a cache in memory that is not kept',
		);
	if (path.includes("\0"))
		throw configInvalid(
			`SqliteCacheStore path ${JSON.stringify(path)} holds a NUL character`,
			"pass the file's path without it (a path ends at a NUL, so another file would be opened)",
		);
}

/** The file at `path`, opened: a directory or a missing folder is CONFIG_INVALID saying which, not a raw SqliteError. */
function open(path: string): Database.Database {
	try {
		return new Database(path);
	} catch (error) {
		const isDir = (p: string) => {
			try {
				return statSync(p).isDirectory();
			} catch {
				return false;
			}
		};
		throw new ConfigError(
			"CONFIG_INVALID",
			`SqliteCacheStore could not open ${JSON.stringify(path)}: ${thrownMessage(error)}`,
			{
				hint: isDir(path)
					? `${path} is a directory: pass the path of a database file in it (e.g. ${join(path, "weft-cache.db")})`
					: isDir(dirname(path))
						? `check that this process may read and write ${path}`
						: `the folder ${dirname(path)} does not exist: create it, or pass a path in an existing one`,
				cause: error,
			},
		);
	}
}

type Statements = Record<
	"get" | "set" | "delete" | "clear" | "prune",
	Database.Statement
>;

/**
 * A response cache in SQLite (better-sqlite3, an optional peer dependency: this file is the
 * `@weft/models/sqlite` entry, loaded only when imported). Expired rows are skipped on read and
 * deleted by `prune()` and on every 100th write.
 * @example
 * const store = new SqliteCacheStore({ path: "weft.db", ttlMs: 86_400_000 });
 */
export class SqliteCacheStore implements ResponseCacheStore {
	readonly #db: Database.Database;
	readonly #owned: boolean;
	readonly #ttlMs: number | undefined;
	readonly #table: string;
	readonly #statements: Statements;
	#writes = 0;

	constructor(options: SqliteCacheStoreOptions = {}) {
		checkOptionObject(options, "SqliteCacheStore", OPTION_KEYS, {
			mustBe: "SqliteCacheStore options must be an object",
			hint: 'pass e.g. new SqliteCacheStore({ path: "weft-cache.db" })',
			allowArrays: true,
		});
		checkPath(options.path);
		const table = options.table ?? "weft_response_cache";
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
			throw new ConfigError("CONFIG_INVALID", `invalid table name "${table}"`, {
				hint: "use letters, digits and _",
			});
		}
		checkNumber(options.ttlMs, "SqliteCacheStore ttlMs", { positive: true });
		this.#owned = options.database === undefined;
		this.#db = options.database ?? open(options.path ?? ":memory:");
		this.#ttlMs = options.ttlMs;
		this.#table = table;
		this.#db.exec(
			`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)`,
		);
		this.#statements = {
			get: this.#db.prepare(
				`SELECT value FROM ${table} WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)`,
			),
			set: this.#db.prepare(
				`INSERT OR REPLACE INTO ${table} (key, value, expires_at) VALUES (?, ?, ?)`,
			),
			delete: this.#db.prepare(`DELETE FROM ${table} WHERE key = ?`),
			clear: this.#db.prepare(`DELETE FROM ${table}`),
			prune: this.#db.prepare(
				`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`,
			),
		};
	}

	/** The statements, once the database is open; STORE_UNAVAILABLE after close() (was better-sqlite3's untyped TypeError). */
	get #sql(): Statements {
		if (!this.#db.open)
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`the SQLite response cache (table ${this.#table}) is closed`,
				{
					hint: "make a new SqliteCacheStore, or stop using this one after close() (a shared database must stay open while the store is used)",
				},
			);
		return this.#statements;
	}

	async get(key: string): Promise<CachedResponse | undefined> {
		const row = this.#sql.get.get(key, Date.now()) as
			| { value: string }
			| undefined;
		if (row === undefined) return undefined;
		try {
			return JSON.parse(row.value) as CachedResponse;
		} catch {
			// a row that does not read (cut, or written by something else) is no entry: dropped
			this.#sql.delete.run(key);
			return undefined;
		}
	}

	async set(key: string, value: CachedResponse, ttlMs?: number): Promise<void> {
		checkNumber(ttlMs, "SqliteCacheStore.set's ttlMs", { positive: true });
		const ttl = ttlMs ?? this.#ttlMs;
		this.#sql.set.run(
			key,
			JSON.stringify(value),
			ttl === undefined ? null : Date.now() + ttl,
		);
		if (++this.#writes % 100 === 0) this.#sql.prune.run(Date.now());
	}

	async delete(key: string): Promise<void> {
		this.#sql.delete.run(key);
	}

	async clear(): Promise<void> {
		this.#sql.clear.run();
	}

	/** Deletes expired rows; returns how many. */
	prune(): number {
		return this.#sql.prune.run(Date.now()).changes;
	}

	/** Closes the database if this store opened it. */
	close(): void {
		if (this.#owned) this.#db.close();
	}
}
