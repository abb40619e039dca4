// What every Store backend shares: the checks and indexing before a put, and list/search on top of the
// backend's `SearchBackend` (so that memory, SQLite and Postgres page and rank results the same way).
import { WeftError } from "../errors.ts";
import type { JsonValue } from "../record.ts";
import { expiryOf, indexedText, paging } from "./item-text.ts";
import { checkKey, decodeNamespace, encodeNamespace } from "./namespace.ts";
import { namespacesOf } from "./namespaces.ts";
import { itemId, rankedSearch, type SearchBackend } from "./ranked-search.ts";
import { bytesToVector, embedText } from "./semantic.ts";
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

	/** Writes a checked item (insert or replace; a replaced live item keeps its creation time). */
	protected abstract write(item: PreparedItem): Promise<void>;
	/** The encoded namespaces that hold a live item (may repeat). */
	protected abstract liveNamespaces(): Promise<string[]>;
	abstract get(
		namespace: Namespace,
		key: string,
	): Promise<StoreItem | undefined>;
	abstract delete(namespace: Namespace, key: string): Promise<boolean>;
	abstract sweep(): Promise<number>;
	abstract close(): Promise<void>;

	async put(
		namespace: Namespace,
		key: string,
		value: JsonValue,
		options: StorePutOptions = {},
	): Promise<void> {
		await this.write(await this.#prepare(namespace, key, value, options));
	}

	async listNamespaces(
		options: ListNamespacesOptions = {},
	): Promise<string[][]> {
		const all = await this.liveNamespaces();
		return namespacesOf(all.map(decodeNamespace), options);
	}

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
	async #prepare(
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

/** A stored row's vector as the search backend wants it. */
export function vectorOf(row: {
	ns: string;
	key: string;
	vector: Uint8Array;
}): {
	id: string;
	vector: Float32Array;
} {
	return { id: itemId(row.ns, row.key), vector: bytesToVector(row.vector) };
}

/** A store item from a row's columns (times in ms since the epoch; `expiresAt` null for none). */
export function itemOf(
	ns: string,
	key: string,
	value: JsonValue,
	createdAt: number,
	updatedAt: number,
	expiresAt: number | null,
): StoreItem {
	return {
		namespace: decodeNamespace(ns),
		key,
		value,
		createdAt: new Date(createdAt),
		updatedAt: new Date(updatedAt),
		expiresAt: expiresAt === null ? undefined : new Date(expiresAt),
	};
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
