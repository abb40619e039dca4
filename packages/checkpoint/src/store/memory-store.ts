import { createRequire } from "node:module";
import type MiniSearch from "minisearch";
import { WeftError } from "../errors.ts";
import { keysOf, refuseUnknownKeys } from "../option-keys.ts";
import type { JsonValue } from "../record.ts";
import {
	IndexedStore,
	itemAddress,
	itemOf,
	type PreparedItem,
} from "./indexed-store.ts";
import { queryWords } from "./item-text.ts";
import { underPrefix } from "./namespace.ts";
import {
	byNewest,
	itemId,
	type SearchBackend,
	type StoreFilter,
} from "./ranked-search.ts";
import type { Namespace, StoreIndexOptions, StoreItem } from "./store.ts";
import { meetsConditions } from "./store-filter.ts";

/** Whether an entry's value meets the filter (its JSON read only when there is one). */
const meets = (e: Entry, filter: StoreFilter): boolean =>
	filter.length === 0 ||
	meetsConditions(JSON.parse(e.json) as JsonValue, filter);

interface Entry {
	ns: string;
	key: string;
	json: string;
	createdAt: number;
	updatedAt: number;
	expiresAt: number | null;
	text: string;
	vector: Float32Array | undefined;
}

export interface MemoryStoreOptions {
	/** Search indexing: fields, and embeddings for semantic search. */
	index?: StoreIndexOptions | undefined;
}

const OPTION_KEYS = keysOf<MemoryStoreOptions>({ index: true });

/**
 * A `Store` in process memory (for tests and single-process apps): full-text search is BM25 (minisearch),
 * semantic search is a scan of the items' vectors.
 */
export class MemoryStore extends IndexedStore {
	readonly #entries = new Map<string, Entry>();
	#closed = false;

	/** The items; a typed error after close(), as the SQL stores give. */
	get #items(): Map<string, Entry> {
		this.checkOpen();
		return this.#entries;
	}

	protected override checkOpen(): void {
		if (this.#closed)
			throw new WeftError("STORE_UNAVAILABLE", "the memory store is closed", {
				hint: "create a new MemoryStore, or stop using this one after close()",
			});
	}
	#textIndex: MiniSearch<{ id: string; text: string }> | undefined;

	/** The full-text index, made (and minisearch loaded) on first use: importing Weft does not load it. */
	get #text(): MiniSearch<{ id: string; text: string }> {
		if (this.#textIndex === undefined) {
			const Ctor = createRequire(import.meta.url)(
				"minisearch",
			) as typeof MiniSearch;
			// split as the SQL stores split (minisearch's own tokenizer kept "tea+milk" whole)
			this.#textIndex = new Ctor({
				fields: ["text"],
				storeFields: [],
				tokenize: queryWords,
			});
		}
		return this.#textIndex;
	}

	constructor(options: MemoryStoreOptions = {}) {
		refuseUnknownKeys(options, OPTION_KEYS, "MemoryStore");
		super(options?.index);
	}

	protected async write(item: PreparedItem): Promise<void> {
		const { ns, key, json, now, expiresAt, text, vector } = item;
		const id = itemId(ns, key);
		const old = this.#live(id, now);
		this.#drop(id);
		this.#items.set(id, {
			ns,
			key,
			json,
			createdAt: old?.createdAt ?? now,
			updatedAt: Math.max(now, old?.updatedAt ?? now),
			expiresAt,
			text,
			vector,
		});
		if (text !== "") this.#text.add({ id, text });
	}

	async get(namespace: Namespace, key: string): Promise<StoreItem | undefined> {
		const ns = itemAddress(namespace, key);
		const entry = this.#live(itemId(ns, key), Date.now());
		return entry === undefined ? undefined : toItem(entry);
	}

	async delete(namespace: Namespace, key: string): Promise<boolean> {
		const id = itemId(itemAddress(namespace, key), key);
		const live = this.#live(id, Date.now()) !== undefined;
		this.#drop(id);
		return live;
	}

	protected async liveNamespaces(): Promise<string[]> {
		const now = Date.now();
		const all = new Set<string>();
		for (const e of this.#items.values()) if (!expired(e, now)) all.add(e.ns);
		return [...all];
	}

	async sweep(): Promise<number> {
		const now = Date.now();
		let n = 0;
		for (const [id, e] of this.#items)
			if (expired(e, now)) {
				this.#drop(id);
				n++;
			}
		return n;
	}

	async close(): Promise<void> {
		this.#closed = true;
		this.#entries.clear();
		this.#textIndex = undefined;
	}

	#live(id: string, now: number): Entry | undefined {
		const e = this.#items.get(id);
		return e === undefined || expired(e, now) ? undefined : e;
	}

	#drop(id: string): void {
		const e = this.#items.get(id);
		if (e === undefined) return;
		this.#items.delete(id);
		if (e.text !== "") this.#text.discard(id);
	}

	#scan(prefix: string, filter: StoreFilter): Entry[] {
		const now = Date.now();
		return [...this.#items.values()].filter(
			(e) => !expired(e, now) && underPrefix(e.ns, prefix) && meets(e, filter),
		);
	}

	protected readonly backend: SearchBackend = {
		listItems: async (prefix, filter, limit, offset) =>
			this.#scan(prefix, filter)
				.map(toItem)
				.sort(byNewest)
				.slice(offset, offset + limit),
		textSearch: async (prefix, query, filter, limit, offset) => {
			const now = Date.now();
			const hits = this.#text.search(query, {
				combineWith: "OR",
				filter: (r) => {
					const e = this.#items.get(r.id as string);
					return (
						e !== undefined &&
						!expired(e, now) &&
						underPrefix(e.ns, prefix) &&
						meets(e, filter)
					);
				},
			});
			// ties as the SQL stores order them: newest update first, then namespace and key
			return hits
				.map((h) => ({
					...toItem(this.#items.get(h.id as string)!),
					score: h.score,
				}))
				.sort((a, b) => b.score - a.score || byNewest(a, b))
				.slice(offset, offset + limit);
		},
		vectors: async (prefix, filter) =>
			this.#scan(prefix, filter).flatMap((e) =>
				e.vector === undefined
					? []
					: [{ id: itemId(e.ns, e.key), vector: e.vector }],
			),
		// never, in one process: every item was put through this store, with its embeddings
		unembedded: async (prefix, filter) =>
			this.#scan(prefix, filter).filter(
				(e) => e.text !== "" && e.vector === undefined,
			).length,
		itemsByIds: async (ids) => {
			const now = Date.now();
			const out = new Map<string, StoreItem>();
			for (const id of ids) {
				const e = this.#live(id, now);
				if (e !== undefined) out.set(id, toItem(e));
			}
			return out;
		},
	};
}

const expired = (e: Entry, now: number) =>
	e.expiresAt !== null && e.expiresAt <= now;

function toItem(e: Entry): StoreItem {
	const value = JSON.parse(e.json) as JsonValue;
	return itemOf(e.ns, e.key, value, e.createdAt, e.updatedAt, e.expiresAt);
}
