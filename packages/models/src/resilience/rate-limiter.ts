import { checkNumber, configInvalid } from "../config-check.ts";
import { RateLimitTimeoutError } from "../errors.ts";
import { checkRateLimits } from "./check-rate-limits.ts";

/** Limits for one model or API key. Any left out is unlimited. */
export interface RateLimits {
	requestsPerMinute?: number | undefined;
	tokensPerMinute?: number | undefined;
	maxConcurrency?: number | undefined;
	/** Fail with RateLimitTimeoutError instead of queueing longer than this. Default: wait as long as it takes. */
	maxWaitMs?: number | undefined;
}

/** A granted slot: call `release` when the request ends, with the tokens it really used when known. */
export interface RateLimitSlot {
	waitedMs: number;
	release(actualTokens?: number): void;
}

interface Waiter {
	tokens: number;
	enqueuedAt: number;
	grant(slot: RateLimitSlot): void;
	fail(error: unknown): void;
	cleanup(): void;
}

/**
 * One FIFO queue over three budgets: requests and tokens per minute (token buckets that refill
 * continuously) and concurrent requests. Hand-written because no maintained queue library offers
 * weighted per-minute budgets, queue-time cancellation that frees the slot, and the wait in ms.
 */
export class RateLimiter {
	readonly key: string;
	#limits: RateLimits;
	#requests: number;
	#tokens: number;
	#inFlight = 0;
	#refilledAt: number;
	#queue: Waiter[] = [];
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(key: string, limits: RateLimits) {
		checkRateLimits(limits, `rate limits of "${key}"`);
		this.key = key;
		this.#limits = limits;
		this.#requests = limits.requestsPerMinute ?? Number.POSITIVE_INFINITY;
		this.#tokens = limits.tokensPerMinute ?? Number.POSITIVE_INFINITY;
		this.#refilledAt = Date.now();
	}

	get limits(): RateLimits {
		return this.#limits;
	}

	/** Callers queued now. */
	get pending(): number {
		return this.#queue.length;
	}

	/** Waits for a slot for a request of about `tokens` tokens; `maxWaitMs` overrides the limiter's. */
	acquire(
		tokens = 0,
		options: {
			signal?: AbortSignal | undefined;
			maxWaitMs?: number | undefined;
		} = {},
	): Promise<RateLimitSlot> {
		const cap = this.#limits.tokensPerMinute ?? Number.POSITIVE_INFINITY;
		const cost = Math.min(Math.max(0, tokens), cap);
		checkNumber(options.maxWaitMs, "maxWaitMs", { timer: true });
		const maxWait = options.maxWaitMs ?? this.#limits.maxWaitMs;
		return new Promise((resolve, reject) => {
			const { signal } = options;
			if (signal?.aborted) return reject(signal.reason);
			let deadline: ReturnType<typeof setTimeout> | undefined;
			const waiter: Waiter = {
				tokens: cost,
				enqueuedAt: Date.now(),
				grant: resolve,
				fail: reject,
				cleanup: () => {
					if (deadline !== undefined) clearTimeout(deadline);
					signal?.removeEventListener("abort", onAbort);
				},
			};
			const drop = (error: unknown) => {
				const i = this.#queue.indexOf(waiter);
				if (i < 0) return;
				this.#queue.splice(i, 1);
				waiter.cleanup();
				reject(error);
				this.#pump();
			};
			const onAbort = () => drop(signal?.reason);
			signal?.addEventListener("abort", onAbort, { once: true });
			if (maxWait !== undefined) {
				deadline = setTimeout(
					() => drop(new RateLimitTimeoutError(this.key, maxWait)),
					maxWait,
				);
			}
			this.#queue.push(waiter);
			this.#pump();
		});
	}

	#refill(now: number): void {
		const elapsed = now - this.#refilledAt;
		this.#refilledAt = now;
		const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.#limits;
		if (rpm !== undefined)
			this.#requests = Math.min(rpm, this.#requests + (elapsed * rpm) / 60_000);
		if (tpm !== undefined)
			this.#tokens = Math.min(tpm, this.#tokens + (elapsed * tpm) / 60_000);
	}

	/** True when a request of about `tokens` tokens would be granted at once: nobody queued, every budget allows it. */
	canGrantNow(tokens = 0): boolean {
		if (this.#queue.length > 0) return false;
		this.#refill(Date.now());
		const cap = this.#limits.tokensPerMinute ?? Number.POSITIVE_INFINITY;
		return this.#waitFor({ tokens: Math.min(Math.max(0, tokens), cap) }) === 0;
	}

	/** Milliseconds until the head of the queue fits, 0 if it fits now, Infinity if only a release helps. */
	#waitFor(w: { tokens: number }): number {
		if (
			this.#inFlight >=
			(this.#limits.maxConcurrency ?? Number.POSITIVE_INFINITY)
		) {
			return Number.POSITIVE_INFINITY;
		}
		const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.#limits;
		const forRequests =
			rpm === undefined || this.#requests >= 1
				? 0
				: ((1 - this.#requests) * 60_000) / rpm;
		const forTokens =
			tpm === undefined || this.#tokens >= w.tokens
				? 0
				: ((w.tokens - this.#tokens) * 60_000) / tpm;
		return Math.max(forRequests, forTokens);
	}

	#pump(): void {
		if (this.#timer !== undefined) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		const now = Date.now();
		this.#refill(now);
		for (let head = this.#queue[0]; head !== undefined; head = this.#queue[0]) {
			const wait = this.#waitFor(head);
			if (wait === Number.POSITIVE_INFINITY) return;
			if (wait > 0) {
				this.#timer = setTimeout(() => this.#pump(), Math.ceil(wait));
				return;
			}
			this.#queue.shift();
			head.cleanup();
			this.#requests -= 1;
			this.#tokens -= head.tokens;
			this.#inFlight += 1;
			head.grant(this.#slot(head, now));
		}
	}

	#slot(w: Waiter, now: number): RateLimitSlot {
		let released = false;
		return {
			waitedMs: now - w.enqueuedAt,
			release: (actualTokens?: number) => {
				if (released) return;
				released = true;
				this.#inFlight -= 1;
				// Charge what the call really used: an estimate that was too low is paid back later.
				if (
					actualTokens !== undefined &&
					this.#limits.tokensPerMinute !== undefined
				) {
					this.#tokens -= actualTokens - w.tokens;
				}
				this.#pump();
			},
		};
	}
}

/** Limiters by key, shared by every wrapper that uses the same registry (by default one per process). */
export class RateLimiterRegistry {
	#limiters = new Map<string, RateLimiter>();

	/**
	 * The limiter for `key`, created with `limits` on first use. A later call must not ask for other
	 * limits: every limit it gives must equal the existing one's (limits it leaves out are not
	 * compared), else CONFIG_INVALID naming the key — two routers (or a router and a hand-made
	 * limiter) silently sharing one key under the first one's limits was the alternative.
	 */
	get(key: string, limits: RateLimits): RateLimiter {
		let limiter = this.#limiters.get(key);
		if (limiter === undefined) {
			limiter = new RateLimiter(key, limits);
			this.#limiters.set(key, limiter);
			return limiter;
		}
		const have = limiter.limits;
		const differ = LIMIT_FIELDS.filter(
			(f) => limits[f] !== undefined && limits[f] !== have[f],
		);
		if (differ.length > 0)
			throw configInvalid(
				`rate-limit key "${key}" already has limits ${show(have)}; these ask for ${show(limits)} (${differ.join(", ")} differ)`,
				`give every user of "${key}" the same rateLimits, a different rateLimitKey, or a router its own registry (rateLimiters: new RateLimiterRegistry())`,
			);
		return limiter;
	}
}

const LIMIT_FIELDS = [
	"requestsPerMinute",
	"tokensPerMinute",
	"maxConcurrency",
	"maxWaitMs",
] as const;

const show = (l: RateLimits) =>
	JSON.stringify(
		Object.fromEntries(
			LIMIT_FIELDS.flatMap((f) => (l[f] === undefined ? [] : [[f, l[f]]])),
		),
	);

const SHARED = Symbol.for("weft.models.rateLimiters");

function sharedRegistry(): RateLimiterRegistry {
	const g = globalThis as Record<symbol, unknown>;
	g[SHARED] ??= new RateLimiterRegistry();
	return g[SHARED] as RateLimiterRegistry;
}

/**
 * The process-wide registry used when a router is given none; kept on globalThis so that two copies
 * of this package in one process still share their limits.
 */
export const sharedRateLimiters: RateLimiterRegistry = sharedRegistry();
