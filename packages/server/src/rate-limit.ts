import { WeftError } from "@weft/checkpoint";
import type { MiddlewareHandler } from "hono";
import { type Env, ownerOf } from "./context.ts";

/** At most `requests` per caller in each window of `windowMs` (callers: identities, or one without auth). */
export interface RateLimit {
	requests: number;
	windowMs: number;
}

/** Counts requests per caller in fixed windows; over the limit, 429 `RATE_LIMITED` with `Retry-After`. */
export function rateLimiter(limit: RateLimit): MiddlewareHandler<Env> {
	if (!(limit.requests > 0) || !(limit.windowMs > 0))
		throw new WeftError(
			"CONFIG_INVALID",
			`rateLimit ${JSON.stringify(limit)} is not usable`,
			{ hint: "give requests > 0 and windowMs > 0" },
		);
	const windows = new Map<string, { start: number; count: number }>();
	return async (c, next) => {
		const caller = ownerOf(c) ?? "";
		const now = Date.now();
		let w = windows.get(caller);
		if (w === undefined || now - w.start >= limit.windowMs) {
			if (windows.size > 10_000)
				for (const [k, v] of windows)
					if (now - v.start >= limit.windowMs) windows.delete(k);
			w = { start: now, count: 0 };
			windows.set(caller, w);
		}
		if (++w.count > limit.requests) {
			const retryAfter = Math.ceil((w.start + limit.windowMs - now) / 1000);
			c.header("Retry-After", String(Math.max(1, retryAfter)));
			throw new WeftError(
				"RATE_LIMITED",
				`more than ${limit.requests} requests in ${limit.windowMs} ms`,
				{ hint: "wait for the Retry-After seconds, then send again" },
			);
		}
		return next();
	};
}
