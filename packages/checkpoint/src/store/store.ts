import type { JsonValue } from "../record.ts";
import type { StoreSearchFilter } from "./store-filter.ts";

/**
 * Where an item lives: a path of labels, like `["users", "u1", "memories"]`. Labels are non-empty strings
 * without control characters; `list` and `search` take a prefix of such a path.
 */
export type Namespace = readonly string[];

/** One stored item. */
export interface StoreItem {
	namespace: string[];
	key: string;
	value: JsonValue;
	createdAt: Date;
	updatedAt: Date;
	/** When the item stops being readable (set by `ttlMs`); undefined: never. */
	expiresAt: Date | undefined;
}

/** An item found by `search`, with its score (higher is better; undefined when no query ranked it). */
export interface SearchItem extends StoreItem {
	score: number | undefined;
}

/** Options of `put`. */
export interface StorePutOptions {
	/** The item expires this long after the put (and is then never returned). Default: never. */
	ttlMs?: number | undefined;
	/**
	 * Which fields of the value are indexed for search (full text and, with embeddings, vectors): dotted
	 * paths like `"text"` or `"meta.title"`; `false` keeps the item out of search results for queries.
	 * Default: the store's `index.fields`, else every string in the value.
	 */
	index?: readonly string[] | false | undefined;
}

/** Options of `list`. */
export interface StoreListOptions {
	/** At most this many items (default 100). */
	limit?: number | undefined;
	offset?: number | undefined;
}

/** How `search` ranks when a query is given. */
export type SearchMode = "text" | "semantic" | "hybrid";

/** Options of `search`. */
export interface StoreSearchOptions extends StoreListOptions {
	/** Natural-language query; without one, items are listed (newest update first). Default limit 10. */
	query?: string | undefined;
	/**
	 * Items whose value's top-level fields match: a scalar the field equals, or comparisons
	 * (`{ year: { $gte: 2024 } }`: `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`).
	 */
	filter?: StoreSearchFilter | undefined;
	/**
	 * `"text"`: the database's full-text ranking (BM25 or `ts_rank`). `"semantic"`: cosine similarity of
	 * embeddings (needs `embeddings`). `"hybrid"`: both lists fused by reciprocal rank. Default: semantic
	 * with embeddings, text without.
	 */
	mode?: SearchMode | undefined;
}

/** Options of `listNamespaces`. */
export interface ListNamespacesOptions {
	/** Only namespaces under this prefix. */
	prefix?: Namespace | undefined;
	/** Cut namespaces to this many labels (distinct results). */
	maxDepth?: number | undefined;
	limit?: number | undefined;
	offset?: number | undefined;
}

/** The part of `@langchain/core`'s `Embeddings` a store needs (any `Embeddings` instance fits). */
export interface EmbeddingsLike {
	embedDocuments(texts: string[]): Promise<number[][]>;
	embedQuery(text: string): Promise<number[]>;
}

/** How a store indexes items for search. */
export interface StoreIndexOptions {
	/** Fields indexed when `put` does not say (dotted paths). Default: every string in the value. */
	fields?: readonly string[] | undefined;
	/** Makes semantic and hybrid search available: the indexed text of each item is embedded on `put`. */
	embeddings?: EmbeddingsLike | undefined;
}

/**
 * Long-term memory across threads: JSON items under namespaces, with full-text search (and semantic
 * search when the store has embeddings). Every backend passes `storeConformance`.
 * @example
 * await store.put(["users", "u1", "memories"], "tea", { text: "prefers green tea" });
 * const hits = await store.search(["users", "u1"], { query: "what does the user drink?" });
 */
export interface Store {
	/** Creates or replaces the item (`createdAt` is kept on replace). */
	put(
		namespace: Namespace,
		key: string,
		value: JsonValue,
		options?: StorePutOptions,
	): Promise<void>;
	/** The item, or undefined when missing or expired. */
	get(namespace: Namespace, key: string): Promise<StoreItem | undefined>;
	/** Removes the item; false when there was none. */
	delete(namespace: Namespace, key: string): Promise<boolean>;
	/** Items under a namespace prefix, newest update first. */
	list(prefix: Namespace, options?: StoreListOptions): Promise<StoreItem[]>;
	/** Items under a namespace prefix ranked by a query (or listed, without one), filtered by value fields. */
	search(
		prefix: Namespace,
		options?: StoreSearchOptions,
	): Promise<SearchItem[]>;
	/** The distinct namespaces that hold items, sorted. */
	listNamespaces(options?: ListNamespacesOptions): Promise<string[][]>;
	/** Removes expired items; returns how many. Reads never return them anyway. */
	sweep(): Promise<number>;
	close(): Promise<void>;
}
