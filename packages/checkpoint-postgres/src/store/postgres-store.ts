import type {
	JsonValue,
	Namespace,
	StoreIndexOptions,
	StoreItem,
} from "@weft/checkpoint";
import {
	isWeftError,
	keysOf,
	refuseUnknownKeys,
	WeftError,
} from "@weft/checkpoint";
import {
	IndexedStore,
	itemAddress,
	itemId,
	itemOf,
	type PreparedItem,
	queryWords,
	type SearchBackend,
	vectorOf,
	vectorToBytes,
} from "@weft/checkpoint/store-backend";
import type pg from "pg";
import { openPool } from "../pool.ts";
import { type Access, isConnectionLoss } from "../store-errors.ts";
import { type Query, read } from "../transactions.ts";
import { itemConditions, Where } from "./postgres-conditions.ts";
import { setupStoreSchema, textConfig } from "./store-schema.ts";

export interface PostgresStoreOptions {
	connectionString?: string | undefined;
	/** A pool to share (not ended by close()); else one is made from `connectionString`. */
	pool?: pg.Pool | undefined;
	/** The Postgres schema of the tables (default "weft", beside the checkpointer's). */
	schema?: string | undefined;
	/** Search indexing: fields, and embeddings for semantic search. */
	index?: StoreIndexOptions | undefined;
}

interface Row {
	ns: string;
	key: string;
	value: JsonValue;
	created_at: string;
	updated_at: string;
	expires_at: string | null;
}

const COLUMNS = "ns, key, value, created_at, updated_at, expires_at";

const OPTION_KEYS = keysOf<PostgresStoreOptions>({
	connectionString: true,
	pool: true,
	schema: true,
	index: true,
});

/**
 * A `Store` in Postgres: full-text search with `tsvector` (english stemming without stopwords, GIN index,
 * `ts_rank`),
 * semantic search as a scan of the vectors under the prefix.
 * @example
 * const store = await PostgresStore.connect({ connectionString: process.env.DATABASE_URL });
 */
export class PostgresStore extends IndexedStore {
	readonly #pool: pg.Pool;
	readonly #ownPool: boolean;
	readonly #s: string;
	readonly #schema: string;
	/** The text search configuration (english stemming, no stopwords), for `::regconfig`. */
	readonly #config: string;

	private constructor(options: PostgresStoreOptions) {
		refuseUnknownKeys(options, OPTION_KEYS, "PostgresStore");
		super(options?.index);
		// the schema name is quoted into SQL: checked (as the checkpointer's) before anything is sent
		const { pool, owned, schema } = openPool(options, "PostgresStore");
		this.#schema = schema;
		this.#s = `"${this.#schema}"`;
		this.#config = textConfig(this.#schema);
		this.#ownPool = owned;
		this.#pool = pool;
	}

	/** Connects and creates or migrates the store's tables. */
	static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
		const store = new PostgresStore(options);
		try {
			await store.#q((q) => setupStoreSchema(q, store.#schema), "write");
		} catch (error) {
			await store.close();
			// a put's hint ("the write may or may not have been applied") says nothing true of connecting
			if (
				isWeftError(error, "STORE_UNAVAILABLE") &&
				isConnectionLoss(error.cause)
			)
				throw new WeftError("STORE_UNAVAILABLE", error.message, {
					hint: "check that the server runs and the connection string (host, port, user, database) is right, then connect again (setting up the store's tables is safe to repeat)",
					cause: error.cause,
				});
			throw error;
		}
		return store;
	}

	/**
	 * Runs `fn` on a pooled connection, retrying a lost connection (every statement here may run again:
	 * a put or delete repeated leaves the same item). `access` says whether it writes, so that a lost
	 * connection's error says nothing was written only when nothing could have been.
	 */
	async #q<T>(fn: (q: Query) => Promise<T>, access: Access): Promise<T> {
		if (this.#pool.ended)
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`the Postgres store (schema ${this.#schema}) is closed`,
				{
					hint: "connect a new PostgresStore, or stop using this one after close()",
				},
			);
		try {
			return await read(this.#pool, fn, { access });
		} catch (error) {
			// the shared error speaks of a checkpointer's thread; say what to do with a store item
			if (
				access === "write" &&
				isWeftError(error, "STORE_UNAVAILABLE") &&
				isConnectionLoss(error.cause)
			)
				throw new WeftError("STORE_UNAVAILABLE", error.message, {
					hint: "check that the server runs and the connection string (host, port, user, database) is right; the write may or may not have been applied: get the item (or search) before running it again (a put or delete is safe to repeat)",
					cause: error.cause,
				});
			throw error;
		}
	}

	protected async write(item: PreparedItem): Promise<void> {
		const { ns, key, json, now, expiresAt, text, vector } = item;
		await this.#q(
			(q) =>
				q(
					`INSERT INTO ${this.#s}.store_items AS i (ns, key, value, created_at, updated_at, expires_at, tsv, vector)
				 VALUES ($1, $2, $3::jsonb, $4, $4, $5, CASE WHEN $6 = '' THEN NULL ELSE to_tsvector($8::regconfig, $6) END, $7)
				 ON CONFLICT (ns, key) DO UPDATE SET
				   value = excluded.value,
				   created_at = CASE WHEN i.expires_at IS NOT NULL AND i.expires_at <= excluded.updated_at
				     THEN excluded.created_at ELSE i.created_at END,
				   updated_at = greatest(excluded.updated_at, i.updated_at),
				   expires_at = excluded.expires_at,
				   tsv = excluded.tsv,
				   vector = excluded.vector`,
					[
						ns,
						key,
						json,
						now,
						expiresAt,
						// the words a query is split into (letters and digits), so that both sides split alike:
						// Postgres's parser alone keeps an email, a URL or a version ("1.2.3") as one token
						indexedText(text),
						vector === undefined ? null : vectorToBytes(vector),
						this.#config,
					],
				),
			"write",
		);
	}

	async get(namespace: Namespace, key: string): Promise<StoreItem | undefined> {
		const ns = itemAddress(namespace, key);
		const { rows } = await this.#q(
			(q) =>
				q(
					`SELECT ${COLUMNS} FROM ${this.#s}.store_items
				 WHERE ns = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)`,
					[ns, key, Date.now()],
				),
			"read",
		);
		return rows[0] === undefined ? undefined : toItem(rows[0] as Row);
	}

	async delete(namespace: Namespace, key: string): Promise<boolean> {
		const ns = itemAddress(namespace, key);
		const now = Date.now();
		const { rows } = await this.#q(
			(q) =>
				q(
					`DELETE FROM ${this.#s}.store_items WHERE ns = $1 AND key = $2 RETURNING expires_at`,
					[ns, key],
				),
			"write",
		);
		const row = rows[0] as { expires_at: string | null } | undefined;
		return (
			row !== undefined &&
			(row.expires_at === null || Number(row.expires_at) > now)
		);
	}

	protected async liveNamespaces(): Promise<string[]> {
		const { rows } = await this.#q(
			(q) =>
				q(
					`SELECT DISTINCT ns FROM ${this.#s}.store_items WHERE expires_at IS NULL OR expires_at > $1`,
					[Date.now()],
				),
			"read",
		);
		return (rows as { ns: string }[]).map((r) => r.ns);
	}

	async sweep(): Promise<number> {
		const { rowCount } = await this.#q(
			(q) =>
				q(`DELETE FROM ${this.#s}.store_items WHERE expires_at <= $1`, [
					Date.now(),
				]),
			"write",
		);
		return rowCount ?? 0;
	}

	async close(): Promise<void> {
		if (this.#ownPool && !this.#pool.ended) await this.#pool.end();
	}

	protected readonly backend: SearchBackend = {
		listItems: async (prefix, filter, limit, offset) => {
			const w = itemConditions(new Where(), prefix, filter, Date.now());
			const { rows } = await this.#q(
				(q) =>
					q(
						`SELECT ${COLUMNS} FROM ${this.#s}.store_items WHERE ${w.sql}
					 ORDER BY updated_at DESC, ns, key COLLATE "C" LIMIT ${w.p(limit)} OFFSET ${w.p(offset)}`,
						w.params,
					),
				"read",
			);
			return (rows as Row[]).map(toItem);
		},
		textSearch: async (prefix, query, filter, limit, offset) => {
			const words = [...new Set(queryWords(query))];
			if (words.length === 0) return [];
			const w = new Where([orQuery(words), this.#config]);
			itemConditions(w, prefix, filter, Date.now());
			const { rows } = await this.#q(
				(q) =>
					q(
						`SELECT ${COLUMNS}, ts_rank(tsv, query) AS rank
					 FROM ${this.#s}.store_items, to_tsquery($2::regconfig, $1) AS query
					 WHERE tsv @@ query AND ${w.sql}
					 ORDER BY rank DESC, updated_at DESC, ns, key COLLATE "C" LIMIT ${w.p(limit)} OFFSET ${w.p(offset)}`,
						w.params,
					),
				"read",
			);
			return (rows as (Row & { rank: number })[]).map((r) => ({
				...toItem(r),
				score: r.rank,
			}));
		},
		vectors: async (prefix, filter) => {
			const w = itemConditions(new Where(), prefix, filter, Date.now());
			const { rows } = await this.#q(
				(q) =>
					q(
						`SELECT ns, key, vector FROM ${this.#s}.store_items WHERE vector IS NOT NULL AND ${w.sql}`,
						w.params,
					),
				"read",
			);
			return (rows as { ns: string; key: string; vector: Buffer }[]).map(
				vectorOf,
			);
		},
		unembedded: async (prefix, filter) => {
			const w = itemConditions(new Where(), prefix, filter, Date.now());
			const { rows } = await this.#q(
				(q) =>
					q(
						`SELECT count(*)::int AS n FROM ${this.#s}.store_items WHERE vector IS NULL AND tsv IS NOT NULL AND ${w.sql}`,
						w.params,
					),
				"read",
			);
			return (rows[0] as { n: number }).n;
		},
		itemsByIds: async (ids) => {
			const out = new Map<string, StoreItem>();
			if (ids.length === 0) return out;
			const pairs = ids.map((id) => JSON.parse(id) as [string, string]);
			const { rows } = await this.#q(
				(q) =>
					q(
						`SELECT ${COLUMNS} FROM ${this.#s}.store_items
					 WHERE (ns, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
					   AND (expires_at IS NULL OR expires_at > $3)`,
						[pairs.map((p) => p[0]), pairs.map((p) => p[1]), Date.now()],
					),
				"read",
			);
			for (const r of rows as Row[]) out.set(itemId(r.ns, r.key), toItem(r));
			return out;
		},
	};
}

function toItem(r: Row): StoreItem {
	const expires = r.expires_at === null ? null : Number(r.expires_at);
	const [created, updated] = [Number(r.created_at), Number(r.updated_at)];
	return itemOf(r.ns, r.key, r.value, created, updated, expires);
}

/**
 * Words (letters and digits only, so no tsquery syntax) as `to_tsquery` text matching any of them, nested
 * as a balanced tree: a flat `a or b or …` nests one level a word, and a query of some ten thousand words
 * (a pasted document, an agent's memory recall of a long message) overflows Postgres's stack.
 */
function orQuery(words: readonly string[]): string {
	if (words.length === 1) return words[0]!;
	const half = words.length >> 1;
	return `(${orQuery(words.slice(0, half))} | ${orQuery(words.slice(half))})`;
}

/**
 * How much of an item's text Postgres indexes for search, in UTF-8 bytes: a `tsvector` holds at most
 * 1 MB, and a text of many distinct words makes one larger than the text (a put of a 1.1 MB text was
 * refused, where the other stores take it). Past this, the item is stored whole and found by its first
 * words only.
 */
export const INDEXED_TEXT_BYTES = 512 * 1024;

/** An item's words for its `tsvector`, cut at a word to `INDEXED_TEXT_BYTES`. */
function indexedText(text: string): string {
	const words = queryWords(text).join(" ");
	if (words.length * 3 <= INDEXED_TEXT_BYTES) return words; // perf: short texts are never measured
	const bytes = Buffer.from(words, "utf8");
	if (bytes.length <= INDEXED_TEXT_BYTES) return words;
	const cut = bytes.subarray(0, INDEXED_TEXT_BYTES).toString("utf8");
	return cut.slice(0, Math.max(0, cut.lastIndexOf(" ")));
}
