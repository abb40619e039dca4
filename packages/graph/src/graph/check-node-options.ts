import { GraphValidationError, keysOf, unknownKey } from "@weft/checkpoint";
import type { CachePolicy, NodeOptions, RetryPolicy } from "./types.ts";
import type { NodeSpec } from "./validate-graph.ts";

/** The longest delay `setTimeout` keeps (a longer one fires at once). */
const MAX_DELAY_MS = 2 ** 31 - 1;

const NODE_KEYS = keysOf<NodeOptions>({
	retry: true,
	timeoutMs: true,
	cache: true,
	ends: true,
});
const RETRY_KEYS = keysOf<RetryPolicy>({
	maxAttempts: true,
	initialDelayMs: true,
	backoff: true,
	maxDelayMs: true,
	jitter: true,
	retryOn: true,
});
const CACHE_KEYS = keysOf<CachePolicy>({
	key: true,
	ttlMs: true,
});

/**
 * Checks a node's options where they were given (addNode), so that a policy that cannot work is a typed
 * `INVALID_GRAPH` at compile() instead of a silent no-op or a library's TypeError in the middle of a run.
 */
export function checkNodeOptions(node: NodeSpec): void {
	const { retry, timeoutMs, cache } = node.options;
	const bad = (what: string, hint: string): never => {
		throw new GraphValidationError(
			"INVALID_GRAPH",
			`node "${node.name}": ${what}`,
			{ hint },
		);
	};
	const stray = unknownKey(node.options, NODE_KEYS);
	if (stray !== undefined)
		bad(`unknown option ${JSON.stringify(stray.key)}`, stray.hint);
	if (timeoutMs !== undefined && !isDelay(timeoutMs, 1))
		bad(
			`timeoutMs must be a number of milliseconds from 1 to ${MAX_DELAY_MS}, not ${String(timeoutMs)}`,
			"leave timeoutMs out for no timeout",
		);
	if (retry !== undefined) {
		if (typeof retry !== "object" || retry === null)
			bad("retry must be an object", "pass e.g. { retry: { maxAttempts: 3 } }");
		const strayRetry = unknownKey(retry, RETRY_KEYS);
		if (strayRetry !== undefined)
			bad(`unknown option retry.${strayRetry.key}`, strayRetry.hint);
		const { maxAttempts, initialDelayMs, backoff, maxDelayMs } = retry;
		if (
			maxAttempts !== undefined &&
			!(Number.isInteger(maxAttempts) && maxAttempts >= 1)
		)
			bad(
				`retry.maxAttempts must be a whole number of at least 1 (the first attempt included), not ${String(maxAttempts)}`,
				"use 1 for no retry",
			);
		for (const [key, value] of [
			["initialDelayMs", initialDelayMs],
			["maxDelayMs", maxDelayMs],
		] as const)
			if (value !== undefined && !isDelay(value, 0))
				bad(
					`retry.${key} must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, not ${String(value)}`,
					`leave retry.${key} out for the default`,
				);
		if (
			backoff !== undefined &&
			!(typeof backoff === "number" && Number.isFinite(backoff) && backoff > 0)
		)
			bad(
				`retry.backoff must be a positive factor, not ${String(backoff)}`,
				"use 1 for equal delays, 2 (the default) to double each one",
			);
		if (retry.jitter !== undefined && typeof retry.jitter !== "boolean")
			bad("retry.jitter must be true or false", "leave it out for true");
		if (retry.retryOn !== undefined && typeof retry.retryOn !== "function")
			bad(
				"retry.retryOn must be a function of the error",
				"pass e.g. { retryOn: (error) => error instanceof TypeError }",
			);
	}
	if (cache !== undefined) {
		if (typeof cache !== "object" || cache === null)
			bad("cache must be an object", "pass e.g. { cache: { ttlMs: 60_000 } }");
		const strayCache = unknownKey(cache, CACHE_KEYS);
		if (strayCache !== undefined)
			bad(`unknown option cache.${strayCache.key}`, strayCache.hint);
		if (cache.key !== undefined && typeof cache.key !== "function")
			bad(
				"cache.key must be a function of the node's input",
				"leave it out to key by the input's JSON",
			);
		if (
			cache.ttlMs !== undefined &&
			!(Number.isInteger(cache.ttlMs) && cache.ttlMs >= 1)
		)
			bad(
				`cache.ttlMs must be a whole number of milliseconds of at least 1, not ${String(cache.ttlMs)}`,
				"leave ttlMs out to keep entries for the life of the compiled graph",
			);
	}
}

function isDelay(value: unknown, min: number): boolean {
	return (
		typeof value === "number" &&
		Number.isFinite(value) &&
		value >= min &&
		value <= MAX_DELAY_MS
	);
}
