import {
	checkNumber,
	checkObject,
	configInvalid,
	describe,
} from "../config-check.ts";
import type { RateLimits } from "./rate-limiter.ts";

const LIMIT_KEYS: readonly string[] = [
	"requestsPerMinute",
	"tokensPerMinute",
	"maxConcurrency",
	"maxWaitMs",
] satisfies (keyof RateLimits)[];

/**
 * Refuses limits that would act as none or block for ever: a negative or NaN rate (which used to mean
 * "unlimited"), a concurrency below 1 (no call could ever run), a negative wait. CONFIG_INVALID.
 */
export function checkRateLimits(limits: unknown, where: string): void {
	checkObject(limits, where);
	if (limits === undefined) return;
	const l = limits as RateLimits;
	for (const key of Object.keys(l))
		if (!LIMIT_KEYS.includes(key))
			throw configInvalid(
				`${where}.${key} is not a rate limit (the model would run without it)`,
				`rate limits are ${LIMIT_KEYS.join(", ")}; check the spelling`,
			);
	checkNumber(l.requestsPerMinute, `${where}.requestsPerMinute`, {
		positive: true,
		infinite: true,
	});
	checkNumber(l.tokensPerMinute, `${where}.tokensPerMinute`, {
		positive: true,
		infinite: true,
	});
	checkNumber(l.maxConcurrency, `${where}.maxConcurrency`, {
		min: 1,
		integer: true,
		infinite: true,
	});
	checkNumber(l.maxWaitMs, `${where}.maxWaitMs`, { timer: true });
}

/**
 * `rateLimiters` is a registry (`new RateLimiterRegistry()`): `{}` or a Map passed construction and failed
 * a later call with a raw TypeError, or was used as a registry it is not. Duck-typed, not `instanceof`:
 * two copies of this package in one process share their registries.
 */
export function checkRateLimiters(value: unknown): void {
	if (value === undefined) return;
	const registry =
		typeof value === "object" &&
		value !== null &&
		!(value instanceof Map) &&
		typeof (value as { get?: unknown }).get === "function";
	if (!registry)
		throw configInvalid(
			`rateLimiters must be a RateLimiterRegistry, got ${value instanceof Map ? "a Map" : describe(value)}`,
			"pass rateLimiters: new RateLimiterRegistry() to give the router limiters of its own, or leave it out (routers share one registry per process); limits themselves go on a model entry (rateLimits: { requestsPerMinute: 60 })",
		);
}
