import {
	ConfigError,
	checkConnectionString,
	thrownMessage,
	WeftError,
} from "@weft/checkpoint";
import pg from "pg";
import { checkNumber } from "../config-check.ts";
import type {
	CachedResponse,
	ResponseCacheStore,
} from "./response-cache-store.ts";

/** Options of the Postgres response cache. */
export interface PostgresCacheStoreOptions {
	/**
	 * A pool to share (e.g. the checkpoint store's; not ended by close()); or give `connectionString`. Its
	 * clients get an 'error' listener, as a checkpointer's pool does: a dropped connection fails the query on it.
	 */
	pool?: pg.Pool | undefined;
	connectionString?: string | undefined;
	/** Table name, optionally schema-qualified. Default "weft_response_cache". */
	table?: string | undefined;
	/** Default time to live. Default: none. */
	ttlMs?: number | undefined;
}

const guarded = new WeakSet<pg.Pool>();
const ignore = () => {};

/**
 * A dropped connection (Postgres restarted, `pg_terminate_backend`) must not end the process with an
 * unhandled 'error' event: pg emits it on the pool for an idle client and on a client between queries;
 * the query on it rejects, and the pool replaces the client. Once per pool, however many stores share it.
 */
function guardPool(pool: pg.Pool): void {
	if (guarded.has(pool)) return;
	guarded.add(pool);
	pool.on("error", ignore);
	pool.on("connect", (client) => client.on("error", ignore));
}

/** Node's socket and DNS codes, and a connection pg saw end (Postgres restarted, the backend terminated). */
const CONNECTION_CODES = new Set([
	"ECONNREFUSED",
	"ECONNRESET",
	"ENOTFOUND",
	"EAI_AGAIN",
	"ETIMEDOUT",
	"EPIPE",
	"EHOSTUNREACH",
	"ENETUNREACH",
	// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, and class 08 (connection exception)
	"57P01",
	"57P02",
	"57P03",
]);

function isConnectionError(error: unknown): boolean {
	const e = error as { code?: unknown; message?: unknown } | null;
	const code = typeof e?.code === "string" ? e.code : "";
	if (CONNECTION_CODES.has(code) || code.startsWith("08")) return true;
	return (
		typeof e?.message === "string" &&
		/Connection terminated|timeout exceeded when trying to connect/i.test(
			e.message,
		)
	);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * A response cache in Postgres (pg, an optional peer dependency: this file is the
 * `@weft/models/postgres` entry), shared by every worker on the database. The table is created on
 * first use; expired rows are skipped on read and deleted by `prune()` and on every 100th write.
 * @example
 * const store = new PostgresCacheStore({ connectionString: process.env.DATABASE_URL, ttlMs: 86_400_000 });
 */
export class PostgresCacheStore implements ResponseCacheStore {
	readonly #pool: pg.Pool;
	readonly #owned: boolean;
	readonly #table: string;
	readonly #ttlMs: number | undefined;
	#ready: Promise<void> | undefined;
	#closing: Promise<void> | undefined;
	#writes = 0;

	constructor(options: PostgresCacheStoreOptions) {
		// a non-object read options.table and threw a TypeError
		if (typeof options !== "object" || options === null)
			throw new ConfigError(
				"CONFIG_INVALID",
				"PostgresCacheStore needs options with a connectionString or a pool",
				{ hint: 'pass { connectionString: "postgres://…" } or { pool }' },
			);
		const table = options.table ?? "weft_response_cache";
		if (!NAME.test(table)) {
			throw new ConfigError("CONFIG_INVALID", `invalid table name "${table}"`, {
				hint: "use letters, digits and _ (optionally schema.table)",
			});
		}
		if (options.pool === undefined && options.connectionString === undefined) {
			throw new ConfigError(
				"CONFIG_INVALID",
				"PostgresCacheStore needs a pool or a connectionString",
				{ hint: 'pass { connectionString: "postgres://…" } or { pool }' },
			);
		}
		// checked as PostgresCheckpointer.connect checks it: "not a url" or "mysql://…" failed only at the first call
		if (options.pool === undefined)
			checkConnectionString(options.connectionString, "PostgresCacheStore");
		checkNumber(options.ttlMs, "PostgresCacheStore ttlMs", { positive: true });
		const given: unknown = options.pool;
		if (
			given !== undefined &&
			(typeof given !== "object" ||
				given === null ||
				typeof (given as pg.Pool).query !== "function" ||
				typeof (given as pg.Pool).on !== "function")
		)
			throw new ConfigError(
				"CONFIG_INVALID",
				"PostgresCacheStore: pool must be a pg.Pool",
				{
					hint: 'pass a pg.Pool you own, or { connectionString: "postgres://…" }',
				},
			);
		this.#owned = options.pool === undefined;
		this.#pool =
			options.pool ??
			new pg.Pool({ connectionString: options.connectionString });
		// a given pool too, as PostgresCheckpointer and PostgresStore do (decision 0255)
		guardPool(this.#pool);
		this.#table = table;
		this.#ttlMs = options.ttlMs;
	}

	#setup(): Promise<void> {
		if (this.#ready !== undefined) return this.#ready;
		// Workers starting together race on CREATE TABLE IF NOT EXISTS (a unique violation in pg_type): one
		// simple query is one transaction, so the advisory lock makes them take turns (the name passed NAME).
		const ready = this.#pool
			.query(
				`SELECT pg_advisory_xact_lock(hashtext('weft_response_cache:${this.#table}'));
				 CREATE TABLE IF NOT EXISTS ${this.#table} (key TEXT PRIMARY KEY, value JSONB NOT NULL, expires_at TIMESTAMPTZ)`,
			)
			.then(
				() => {},
				(error: unknown) => {
					this.#ready = undefined;
					throw error;
				},
			);
		this.#ready = ready;
		return ready;
	}

	/** Runs a statement once the table exists; a closed store or an unreachable server is STORE_UNAVAILABLE. */
	async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
		sql: string,
		params?: unknown[],
	): Promise<pg.QueryResult<R>> {
		const pool = this.#pool as pg.Pool & { ending?: boolean };
		if (pool.ended || pool.ending === true)
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`the Postgres response cache (table ${this.#table}) is closed: its pool was ended`,
				{
					hint: "make a new PostgresCacheStore, or stop using this one after close()",
				},
			);
		try {
			await this.#setup();
			return await this.#pool.query<R>(sql, params);
		} catch (error) {
			if (!isConnectionError(error)) throw error;
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`the Postgres response cache (table ${this.#table}) could not reach the database: ${thrownMessage(error)}`,
				{
					cause: error,
					hint: "check that Postgres is running and reachable at the connection string; a router goes on without its cache meanwhile",
				},
			);
		}
	}

	async get(key: string): Promise<CachedResponse | undefined> {
		const { rows } = await this.#query<{ value: CachedResponse }>(
			`SELECT value FROM ${this.#table} WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())`,
			[key],
		);
		return rows[0]?.value;
	}

	async set(key: string, value: CachedResponse, ttlMs?: number): Promise<void> {
		checkNumber(ttlMs, "PostgresCacheStore.set's ttlMs", { positive: true });
		const ttl = ttlMs ?? this.#ttlMs;
		await this.#query(
			`INSERT INTO ${this.#table} (key, value, expires_at) VALUES ($1, $2, $3)
			 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
			[
				key,
				JSON.stringify(value),
				ttl === undefined ? null : new Date(Date.now() + ttl),
			],
		);
		if (++this.#writes % 100 === 0) await this.prune();
	}

	async delete(key: string): Promise<void> {
		await this.#query(`DELETE FROM ${this.#table} WHERE key = $1`, [key]);
	}

	async clear(): Promise<void> {
		await this.#query(`DELETE FROM ${this.#table}`);
	}

	/** Deletes expired rows; returns how many. */
	async prune(): Promise<number> {
		const r = await this.#query(
			`DELETE FROM ${this.#table} WHERE expires_at IS NOT NULL AND expires_at <= now()`,
		);
		return r.rowCount ?? 0;
	}

	/** Ends the pool if this store made it; once, however often it is called. */
	close(): Promise<void> {
		this.#closing ??=
			this.#owned && !this.#pool.ended ? this.#pool.end() : Promise.resolve();
		return this.#closing;
	}
}
