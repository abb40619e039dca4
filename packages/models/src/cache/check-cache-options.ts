import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import {
	checkNumber,
	configInvalid,
	describe,
	missingMethods,
} from "../config-check.ts";
import type { CacheOptions } from "../model-router-options.ts";

const CACHE_KEYS = keysOf<CacheOptions>({
	store: true,
	ttlMs: true,
	allowNonZeroTemperature: true,
	readTimeoutMs: true,
});

/** The router's `cache`: true, false or `{ store, ttlMs, … }` with known keys and a usable store. */
export function checkCacheOptions(
	cache: boolean | CacheOptions | undefined,
): void {
	if (typeof cache === "object" && cache !== null) {
		refuseUnknownKeys(cache, CACHE_KEYS, "cache");
		checkNumber(cache.ttlMs, "cache.ttlMs", {
			positive: true,
		});
		checkNumber(cache.readTimeoutMs, "cache.readTimeoutMs", {
			positive: true,
			timer: true,
		});
		checkCacheStore(cache);
	} else if (cache !== undefined && typeof cache !== "boolean")
		throw configInvalid(
			`cache must be true, false or { store, ttlMs, … }, got ${describe(cache)}`,
			"pass cache: true for an in-memory cache",
		);
}

/** A cache store given in `cache.store` has the four methods the router calls. */
function checkCacheStore(cache: object): void {
	if (!("store" in cache)) return;
	const store: unknown = cache.store;
	if (store === undefined) return;
	const missing = missingMethods(store, ["get", "set", "delete", "clear"]);
	if (missing.length > 0)
		throw configInvalid(
			`cache.store must be a response cache store, got ${describe(store)} (no ${missing.join(", ")} function)`,
			"pass a MemoryCacheStore, SqliteCacheStore, PostgresCacheStore or an object with get, set, delete and clear; or leave store out for an in-memory one",
		);
}
