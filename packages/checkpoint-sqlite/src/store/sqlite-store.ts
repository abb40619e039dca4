import type {
	JsonValue,
	Namespace,
	StoreIndexOptions,
	StoreItem,
} from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import {
	IndexedStore,
	itemAddress,
	itemOf,
	type PreparedItem,
	queryWords,
	type SearchBackend,
	vectorOf,
	vectorToBytes,
} from "@weft/checkpoint/store-backend";
import Database from "better-sqlite3";
import { checkStoreOptions } from "../check-options.ts";
import { nativeBinding } from "../native-binding.ts";
import { storeError } from "../store-errors.ts";
import { itemConditions } from "./sqlite-conditions.ts";
import { migrateStore } from "./store-schema.ts";

export interface SqliteStoreOptions {
	/** The database file (may be the checkpointer's: the store keeps its own tables); ":memory:" allowed. */
	path: string;
	/** Search indexing: fields, and embeddings for semantic search. */
	index?: StoreIndexOptions | undefined;
	/** How long a write waits for another process's lock (default 5 s). */
	busyTimeoutMs?: number | undefined;
}

interface Row {
	id: number;
	ns: string;
	key: string;
	value: string;
	created_at: number;
	updated_at: number;
	expires_at: number | null;
}

const COLUMNS =
	"i.id, i.ns, i.key, i.value, i.created_at, i.updated_at, i.expires_at";

/**
 * A `Store` in SQLite (better-sqlite3): full-text search with FTS5 (BM25, porter stemming), semantic search
 * as a scan of the vectors under the prefix.
 * @example
 * const store = new SqliteStore({ path: "weft.db" });
 */
export class SqliteStore extends IndexedStore {
	readonly #db: Database.Database;
	readonly #path: string;

	constructor(options: SqliteStoreOptions) {
		super(checkStoreOptions(options).index);
		this.#path = options.path;
		try {
			this.#db = new Database(options.path, {
				timeout: options.busyTimeoutMs ?? 5000,
				nativeBinding: nativeBinding(),
			});
			this.#db.pragma("journal_mode = WAL");
			// as the checkpointer's default: a process crash loses nothing, a power loss may lose the last puts
			this.#db.pragma("synchronous = NORMAL");
			migrateStore(this.#db, options.path);
		} catch (error) {
			throw storeError(error, options.path);
		}
	}

	protected async write(item: PreparedItem): Promise<void> {
		const { ns, key, json, now, expiresAt, text, vector } = item;
		this.#run((db) =>
			db
				.transaction(() => {
					const { id } = db
						.prepare(
							`INSERT INTO weft_store_items (ns, key, value, created_at, updated_at, expires_at, vector)
					 VALUES (?, ?, ?, ?, ?, ?, ?)
					 ON CONFLICT (ns, key) DO UPDATE SET
					   value = excluded.value,
					   created_at = CASE WHEN expires_at IS NOT NULL AND expires_at <= excluded.updated_at
					     THEN excluded.created_at ELSE created_at END,
					   updated_at = max(excluded.updated_at, updated_at),
					   expires_at = excluded.expires_at,
					   vector = excluded.vector
					 RETURNING id`,
						)
						.get(
							ns,
							key,
							json,
							now,
							now,
							expiresAt,
							vector === undefined ? null : vectorToBytes(vector),
						) as { id: number };
					db.prepare("DELETE FROM weft_store_fts WHERE rowid = ?").run(id);
					if (text !== "")
						// its words, as every store splits them (NFKC, combining marks kept in words)
						db.prepare(
							"INSERT INTO weft_store_fts (rowid, text) VALUES (?, ?)",
						).run(id, queryWords(text).join(" "));
				})
				.immediate(),
		);
	}

	async get(namespace: Namespace, key: string): Promise<StoreItem | undefined> {
		const ns = itemAddress(namespace, key);
		const row = this.#run((db) =>
			db
				.prepare(
					`SELECT ${COLUMNS} FROM weft_store_items i
				 WHERE i.ns = ? AND i.key = ? AND (i.expires_at IS NULL OR i.expires_at > ?)`,
				)
				.get(ns, key, Date.now()),
		) as Row | undefined;
		return row === undefined ? undefined : toItem(row);
	}

	async delete(namespace: Namespace, key: string): Promise<boolean> {
		const ns = itemAddress(namespace, key);
		const now = Date.now();
		return this.#run((db) =>
			db
				.transaction(() => {
					const row = db
						.prepare(
							"DELETE FROM weft_store_items WHERE ns = ? AND key = ? RETURNING id, expires_at",
						)
						.get(ns, key) as
						| { id: number; expires_at: number | null }
						| undefined;
					if (row === undefined) return false;
					db.prepare("DELETE FROM weft_store_fts WHERE rowid = ?").run(row.id);
					return row.expires_at === null || row.expires_at > now;
				})
				.immediate(),
		);
	}

	protected async liveNamespaces(): Promise<string[]> {
		const rows = this.#run((db) =>
			db
				.prepare(
					"SELECT DISTINCT ns FROM weft_store_items WHERE expires_at IS NULL OR expires_at > ?",
				)
				.all(Date.now()),
		) as { ns: string }[];
		return rows.map((r) => r.ns);
	}

	async sweep(): Promise<number> {
		const now = Date.now();
		return this.#run((db) =>
			db
				.transaction(() => {
					db.prepare(
						"DELETE FROM weft_store_fts WHERE rowid IN (SELECT id FROM weft_store_items WHERE expires_at <= ?)",
					).run(now);
					return db
						.prepare("DELETE FROM weft_store_items WHERE expires_at <= ?")
						.run(now).changes;
				})
				.immediate(),
		);
	}

	async close(): Promise<void> {
		if (this.#db.open) this.#db.close();
	}

	/**
	 * Runs `fn` on the open connection; a driver error (a write lock held past busyTimeoutMs, a full disk, a
	 * damaged file) comes out typed, as STORE_UNAVAILABLE with a hint, like the checkpointer's.
	 */
	#run<T>(fn: (db: Database.Database) => T): T {
		const db = this.#conn;
		try {
			return fn(db);
		} catch (error) {
			throw storeError(error, this.#path);
		}
	}

	/** The open connection; a typed error after close(). */
	get #conn(): Database.Database {
		if (!this.#db.open)
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`the SQLite store for ${this.#path} is closed`,
				{
					hint: "create a new SqliteStore, or stop using this one after close()",
				},
			);
		return this.#db;
	}

	protected readonly backend: SearchBackend = {
		listItems: async (prefix, filter, limit, offset) => {
			const where = itemConditions(prefix, filter, Date.now());
			const rows = this.#run((db) =>
				db
					.prepare(
						`SELECT ${COLUMNS} FROM weft_store_items i WHERE ${where.sql}
					 ORDER BY i.updated_at DESC, i.ns, i.key LIMIT ? OFFSET ?`,
					)
					.all(...where.params, limit, offset),
			) as Row[];
			return rows.map(toItem);
		},
		textSearch: async (prefix, query, filter, limit, offset) => {
			const words = queryWords(query);
			if (words.length === 0) return [];
			const match = words.map((w) => `"${w}"`).join(" OR ");
			const where = itemConditions(prefix, filter, Date.now());
			const rows = this.#run((db) =>
				db
					.prepare(
						`SELECT ${COLUMNS}, bm25(weft_store_fts) AS rank
					 FROM weft_store_fts JOIN weft_store_items i ON i.id = weft_store_fts.rowid
					 WHERE weft_store_fts MATCH ? AND ${where.sql}
					 ORDER BY rank, i.updated_at DESC, i.ns, i.key LIMIT ? OFFSET ?`,
					)
					.all(match, ...where.params, limit, offset),
			) as (Row & { rank: number })[];
			return rows.map((r) => ({ ...toItem(r), score: -r.rank }));
		},
		vectors: async (prefix, filter) => {
			const where = itemConditions(prefix, filter, Date.now());
			const rows = this.#run((db) =>
				db
					.prepare(
						`SELECT i.ns, i.key, i.vector FROM weft_store_items i
					 WHERE i.vector IS NOT NULL AND ${where.sql}`,
					)
					.all(...where.params),
			) as { ns: string; key: string; vector: Buffer }[];
			return rows.map(vectorOf);
		},
		unembedded: async (prefix, filter) => {
			const where = itemConditions(prefix, filter, Date.now());
			const row = this.#run((db) =>
				db
					.prepare(
						`SELECT count(*) AS n FROM weft_store_items i
					 WHERE i.vector IS NULL AND i.id IN (SELECT rowid FROM weft_store_fts) AND ${where.sql}`,
					)
					.get(...where.params),
			) as { n: number };
			return row.n;
		},
		itemsByIds: async (ids) => {
			const now = Date.now();
			const out = new Map<string, StoreItem>();
			this.#run((db) => {
				const get = db.prepare(
					`SELECT ${COLUMNS} FROM weft_store_items i
					 WHERE i.ns = ? AND i.key = ? AND (i.expires_at IS NULL OR i.expires_at > ?)`,
				);
				for (const id of ids) {
					const [ns, key] = JSON.parse(id) as [string, string];
					const row = get.get(ns, key, now) as Row | undefined;
					if (row !== undefined) out.set(id, toItem(row));
				}
			});
			return out;
		},
	};
}

function toItem(r: Row): StoreItem {
	const value = JSON.parse(r.value) as JsonValue;
	return itemOf(r.ns, r.key, value, r.created_at, r.updated_at, r.expires_at);
}
