import { ConfigError } from "@weft/checkpoint";
import Database from "better-sqlite3";
import { checkNumber } from "../config-check.ts";
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
	readonly #sql: {
		get: Database.Statement;
		set: Database.Statement;
		delete: Database.Statement;
		clear: Database.Statement;
		prune: Database.Statement;
	};
	#writes = 0;

	constructor(options: SqliteCacheStoreOptions = {}) {
		const table = options.table ?? "weft_response_cache";
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
			throw new ConfigError("CONFIG_INVALID", `invalid table name "${table}"`, {
				hint: "use letters, digits and _",
			});
		}
		checkNumber(options.ttlMs, "SqliteCacheStore ttlMs", { positive: true });
		this.#owned = options.database === undefined;
		this.#db = options.database ?? new Database(options.path ?? ":memory:");
		this.#ttlMs = options.ttlMs;
		this.#db.exec(
			`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)`,
		);
		this.#sql = {
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
