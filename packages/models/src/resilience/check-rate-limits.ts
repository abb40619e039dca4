import { checkNumber, checkObject } from "../config-check.ts";
import type { RateLimits } from "./rate-limiter.ts";

/**
 * Refuses limits that would act as none or block for ever: a negative or NaN rate (which used to mean
 * "unlimited"), a concurrency below 1 (no call could ever run), a negative wait. CONFIG_INVALID.
 */
export function checkRateLimits(limits: unknown, where: string): void {
	checkObject(limits, where);
	if (limits === undefined) return;
	const l = limits as RateLimits;
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
	checkNumber(l.maxWaitMs, `${where}.maxWaitMs`);
}
