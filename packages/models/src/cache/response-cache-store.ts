import { LRUCache } from "lru-cache";
import { checkNumber, checkObject } from "../config-check.ts";

/** A cached model response: the AI message as stored JSON and what the original call used. */
export interface CachedResponse {
	/** `mapChatMessagesToStoredMessages` form of the AIMessage. */
	message: unknown;
	model: string;
	inputTokens: number;
	outputTokens: number;
	costUsd: number | undefined;
	createdAt: number;
}

/** Where responses are cached. Implement it for any store; values are plain JSON. */
export interface ResponseCacheStore {
	/** The entry, or undefined (or null) when there is none. */
	get(key: string): Promise<CachedResponse | undefined | null>;
	/** `ttlMs` undefined: keep until evicted. */
	set(
		key: string,
		value: CachedResponse,
		ttlMs?: number | undefined,
	): Promise<void>;
	delete(key: string): Promise<void>;
	clear(): Promise<void>;
}

/** Options of the in-memory store. */
export interface MemoryCacheStoreOptions {
	/** Most entries kept (least recently used go first). Default 1000. */
	maxEntries?: number | undefined;
	/** Default time to live. Default: none. */
	ttlMs?: number | undefined;
}

/** An in-process LRU store with TTL (lru-cache). */
export class MemoryCacheStore implements ResponseCacheStore {
	readonly #lru: LRUCache<string, CachedResponse>;

	constructor(options: MemoryCacheStoreOptions = {}) {
		checkObject(options, "MemoryCacheStore options");
		checkNumber(options.maxEntries, "MemoryCacheStore maxEntries", {
			min: 1,
			integer: true,
		});
		checkNumber(options.ttlMs, "MemoryCacheStore ttlMs", { positive: true });
		this.#lru = new LRUCache<string, CachedResponse>({
			max: options.maxEntries ?? 1000,
			...(options.ttlMs === undefined ? {} : { ttl: options.ttlMs }),
			// Date.now rather than performance.now, so that fake timers move TTLs in tests.
			perf: { now: () => Date.now() },
		});
	}

	get size(): number {
		return this.#lru.size;
	}

	async get(key: string): Promise<CachedResponse | undefined> {
		return this.#lru.get(key);
	}

	async set(key: string, value: CachedResponse, ttlMs?: number): Promise<void> {
		checkNumber(ttlMs, "MemoryCacheStore.set's ttlMs", { positive: true });
		this.#lru.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs });
	}

	async delete(key: string): Promise<void> {
		this.#lru.delete(key);
	}

	async clear(): Promise<void> {
		this.#lru.clear();
	}
}
