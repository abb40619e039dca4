// What every Store backend shares: the checks and indexing before a put, and list/search on top of the
// backend's `SearchBackend` (so that memory, SQLite and Postgres page and rank results the same way).
import { WeftError } from "../errors.ts";
import type { JsonValue } from "../record.ts";
import {
	checkIndexFields,
	checkIndexOptions,
	checkOptionKeys,
	expiryOf,
	indexedText,
	paging,
} from "./item-text.ts";
import {
	checkAddressSize,
	checkKey,
	decodeNamespace,
	encodeNamespace,
	encodeNewNamespace,
	textProblem,
} from "./namespace.ts";
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
		this.index = checkIndexOptions(index);
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
	/** Throws a typed error once the store is closed (called first by every call here). */
	protected checkOpen(): void {}

	async put(
		namespace: Namespace,
		key: string,
		value: JsonValue,
		options?: StorePutOptions,
	): Promise<void> {
		this.checkOpen();
		checkOptionKeys(options, ["ttlMs", "index"], "put");
		await this.write(await this.#prepare(namespace, key, value, options ?? {}));
	}

	async listNamespaces(options?: ListNamespacesOptions): Promise<string[][]> {
		this.checkOpen();
		checkOptionKeys(
			options,
			["prefix", "maxDepth", "limit", "offset"],
			"listNamespaces",
		);
		const all = await this.liveNamespaces();
		return namespacesOf(all.map(decodeNamespace), options ?? {});
	}

	async list(
		prefix: Namespace,
		options?: StoreListOptions,
	): Promise<StoreItem[]> {
		this.checkOpen();
		const p = encodeNamespace(prefix, { prefix: true });
		checkOptionKeys(options, ["limit", "offset"], "list");
		const { limit, offset } = paging(options ?? {}, 100);
		return this.backend.listItems(p, [], limit, offset);
	}

	async search(
		prefix: Namespace,
		options?: StoreSearchOptions,
	): Promise<SearchItem[]> {
		this.checkOpen();
		checkOptionKeys(
			options,
			["query", "filter", "limit", "offset", "mode"],
			"search",
		);
		return rankedSearch(this.backend, this.index, prefix, options ?? {});
	}

	/** Checks a put's input and computes what is written: typed errors before anything is stored. */
	async #prepare(
		namespace: Namespace,
		key: string,
		value: JsonValue,
		options: StorePutOptions,
	): Promise<PreparedItem> {
		const ns = encodeNewNamespace(namespace);
		checkKey(key);
		checkAddressSize(ns, key);
		const json = jsonOf(value);
		const now = Date.now();
		const expiresAt = expiryOf(options.ttlMs, now);
		checkIndexFields(options.index, "put's index option");
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

/**
 * The value as JSON text. Throws `VALIDATION_FAILED` naming the place of anything JSON would change or
 * drop on the way back (a Map, a Date, `undefined`, NaN, -0, a function, a class instance, a hole, a cycle,
 * a symbol key, a non-enumerable property, an array's named property)
 * or a database would change or refuse (NUL, a lone surrogate): a store item reads back exactly as it
 * was put, on every backend.
 */
export function jsonOf(value: JsonValue): string {
	const problem = jsonProblem(value, "value", 0);
	if (problem !== undefined) throw notJson(problem);
	return JSON.stringify(value);
}

/** How deep an item's value may nest (a cyclic value reaches it too). */
const MAX_VALUE_DEPTH = 256;

function jsonProblem(
	value: unknown,
	path: string,
	depth: number,
): string | undefined {
	if (depth > MAX_VALUE_DEPTH)
		return `${path} is nested more than ${MAX_VALUE_DEPTH} levels deep (or cyclic)`;
	switch (typeof value) {
		case "string": {
			const problem = textProblem(value);
			return problem === undefined ? undefined : `${path} ${problem}`;
		}
		case "number":
			if (Object.is(value, -0)) return `${path} is -0`; // JSON writes it as 0
			return Number.isFinite(value) ? undefined : `${path} is ${value}`;
		case "boolean":
			return undefined;
		case "object":
			break;
		default:
			return `${path} is ${value === undefined ? "undefined" : `a ${typeof value}`}`;
	}
	if (value === null) return undefined;
	const hidden = keyProblem(value, path);
	if (hidden !== undefined) return hidden;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) {
			if (!(i in value)) return `${path}[${i}] is a hole`;
			const problem = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
			if (problem !== undefined) return problem;
		}
		return undefined;
	}
	const proto = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== null) {
		const name = (proto as { constructor?: { name?: string } }).constructor
			?.name;
		return `${path} is ${name === undefined ? "an object with a prototype" : `a ${name}`}`;
	}
	for (const key in value) {
		if (!Object.hasOwn(value, key)) continue;
		const keyProblem = textProblem(key);
		if (keyProblem !== undefined) return `${path} has a key that ${keyProblem}`;
		const problem = jsonProblem(
			(value as Record<string, unknown>)[key],
			`${path}.${key}`,
			depth + 1,
		);
		if (problem !== undefined) return problem;
	}
	return undefined;
}

/** Own properties JSON would drop: symbol keys, non-enumerable ones, an array's non-index ones. */
function keyProblem(value: object, path: string): string | undefined {
	const keys = Reflect.ownKeys(value);
	const isArray = Array.isArray(value);
	// every index and "length": nothing else (a hole with an extra key is refused as a hole)
	if (isArray && keys.length === value.length + 1) return undefined;
	for (const key of keys) {
		if (typeof key === "symbol") return `${path} has a symbol key`;
		if (isArray) {
			if (key === "length" || String(Number(key) >>> 0) === key) continue;
			return `${path}.${key} is not an index of the array`;
		}
		if (!Object.prototype.propertyIsEnumerable.call(value, key))
			return `${path}.${key} is not enumerable`;
	}
	return undefined;
}

function notJson(problem: string): WeftError {
	return new WeftError(
		"VALIDATION_FAILED",
		`a store item's value must be plain JSON: ${problem}`,
		{
			hint: "store plain objects, arrays, strings, finite numbers (0, not -0), booleans or null (a Date as its ISO string, a Map as an object)",
		},
	);
}
