import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { RateLimits } from "../resilience/rate-limiter.ts";

/** One place that serves a model: an API key, a region, a provider. Deployments of an entry serve the same model. */
export interface Deployment {
	/** Unique within its entry; events and usage name it. */
	name: string;
	model: BaseChatModel;
	/** Its share of traffic under weighted round-robin (and the tie-break elsewhere). Default 1. */
	weight?: number | undefined;
	/** Requests/tokens per minute and a concurrency cap for this deployment alone. */
	rateLimits?: RateLimits | undefined;
	/** Default `<entry>/<deployment>`; give two deployments one key when they share a budget. */
	rateLimitKey?: string | undefined;
}

/**
 * How a balanced entry picks a deployment for each attempt:
 * - `weighted-round-robin`: in proportion to `weight`, interleaved (smooth WRR);
 * - `least-outstanding`: fewest calls in flight (ties by weight, then order);
 * - `lowest-latency`: lowest mean latency over the last `latencyWindow` successes (unmeasured first);
 * - `sticky-thread`: the deployment a thread used before while it is healthy (provider prompt caches),
 *   else weighted round-robin, which pins the thread anew.
 */
export type BalanceStrategy =
	| "weighted-round-robin"
	| "least-outstanding"
	| "lowest-latency"
	| "sticky-thread";

/** When a deployment's circuit opens and for how long. */
export interface CircuitOptions {
	/** Consecutive failures that open it. Default 3. A rate-limit response opens it at once. */
	failureThreshold?: number | undefined;
	/** How long it stays open before one probe call is let through (half-open). Default 30 s; a longer Retry-After wins. */
	coolDownMs?: number | undefined;
}

/** Balancing settings of an entry with several deployments. */
export interface BalanceOptions {
	/** Default "weighted-round-robin". */
	strategy?: BalanceStrategy | undefined;
	circuit?: CircuitOptions | undefined;
	/** Successful calls per deployment that `lowest-latency` averages. Default 20. */
	latencyWindow?: number | undefined;
	/** Threads remembered by `sticky-thread` (least recently used are forgotten). Default 10 000. */
	maxThreads?: number | undefined;
}

/** The state of a deployment's circuit breaker. */
export type CircuitState = "closed" | "open" | "half-open";

/** A deployment as `ModelRouter.deploymentStatus()` reports it. */
export interface DeploymentStatus {
	name: string;
	circuit: CircuitState;
	/** Calls in flight now. */
	outstanding: number;
	/** Mean over the latency window; undefined before the first success. */
	meanLatencyMs: number | undefined;
	/** Calls sent, and how many of them failed. */
	calls: number;
	failures: number;
	/** While open: milliseconds until the half-open probe. */
	retryInMs?: number | undefined;
}

/** Why an attempt went to a deployment, as events, usage and `response_metadata.weft` show it. */
export interface BalanceChoice {
	deployment: string;
	strategy: BalanceStrategy;
	reason: string;
	/** Deployments left out of this choice, and why. */
	skipped: { deployment: string; reason: string }[];
}
