// What every Store backend shares: the checks and indexing before a put, and list/search on top of the
// backend's `SearchBackend` (so that memory, SQLite and Postgres page and rank results the same way).
import { WeftError } from "../errors.ts";
import type { JsonValue } from "../record.ts";
import { expiryOf, indexedText, paging } from "./item-text.ts";
import { checkKey, encodeNamespace } from "./namespace.ts";
import { rankedSearch, type SearchBackend } from "./ranked-search.ts";
import { embedText } from "./semantic.ts";
import type {
	ListNamespacesOptions,
	Namespace,
	SearchItem,
	Store,
	StoreIndexOptions,
	StoreItem,
	StoreListOptions,
	StorePutOptions,
	StoreSearchOptions,
} from "./store.ts";

/** An item checked and ready to write: encoded namespace, JSON text, expiry, indexed text and vector. */
export interface PreparedItem {
	ns: string;
	key: string;
	json: string;
	/** Milliseconds since the epoch, or null for no expiry. */
	expiresAt: number | null;
	text: string;
	vector: Float32Array | undefined;
	/** When the put was asked for (ms since the epoch). */
	now: number;
}

/**
 * The base of a `Store` backend: subclasses write and read rows and give a `SearchBackend`; `list` and
 * `search` are the same for all of them.
 */
export abstract class IndexedStore implements Store {
	protected readonly index: StoreIndexOptions;
	protected abstract readonly backend: SearchBackend;

	constructor(index: StoreIndexOptions | undefined) {
		this.index = index ?? {};
	}

	abstract put(
		namespace: Namespace,
		key: string,
		value: JsonValue,
		options?: StorePutOptions,
	): Promise<void>;
	abstract get(
		namespace: Namespace,
		key: string,
	): Promise<StoreItem | undefined>;
	abstract delete(namespace: Namespace, key: string): Promise<boolean>;
	abstract listNamespaces(options?: ListNamespacesOptions): Promise<string[][]>;
	abstract sweep(): Promise<number>;
	abstract close(): Promise<void>;

	async list(
		prefix: Namespace,
		options: StoreListOptions = {},
	): Promise<StoreItem[]> {
		const p = encodeNamespace(prefix, { prefix: true });
		const { limit, offset } = paging(options, 100);
		return this.backend.listItems(p, undefined, limit, offset);
	}

	search(
		prefix: Namespace,
		options: StoreSearchOptions = {},
	): Promise<SearchItem[]> {
		return rankedSearch(this.backend, this.index, prefix, options);
	}

	/** Checks a put's input and computes what is written: typed errors before anything is stored. */
	protected async prepare(
		namespace: Namespace,
		key: string,
		value: JsonValue,
		options: StorePutOptions,
	): Promise<PreparedItem> {
		const ns = encodeNamespace(namespace);
		checkKey(key);
		const json = jsonOf(value);
		const now = Date.now();
		const expiresAt = expiryOf(options.ttlMs, now);
		const text = indexedText(value, options.index ?? this.index.fields);
		const vector = await embedText(this.index.embeddings, text);
		return { ns, key, json, expiresAt, text, vector, now };
	}
}

/** The encoded namespace of an item address, its key checked. */
export function itemAddress(namespace: Namespace, key: string): string {
	const ns = encodeNamespace(namespace);
	checkKey(key);
	return ns;
}

/** The value as JSON text; throws on a value JSON cannot hold. */
export function jsonOf(value: JsonValue): string {
	let json: string | undefined;
	try {
		json = JSON.stringify(value);
	} catch (error) {
		throw notJson(value, error);
	}
	if (json === undefined) throw notJson(value);
	return json;
}

function notJson(value: unknown, cause?: unknown): WeftError {
	return new WeftError(
		"VALIDATION_FAILED",
		`a store item's value must be JSON; got ${typeof value}`,
		{
			hint: "store plain objects, arrays, strings, numbers, booleans or null",
			cause,
		},
	);
}
