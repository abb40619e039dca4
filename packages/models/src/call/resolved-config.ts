import type { Clock, DeploymentPool } from "../balance/deployment-pool.ts";
import type { ResponseCacheStore } from "../cache/response-cache-store.ts";
import type { ModelEvent } from "../events.ts";
import type { Guard } from "../guardrails/guard.ts";
import type { ContextOptions, PreModelHook } from "../model-router-options.ts";
import type { BackoffOptions } from "../resilience/backoff.ts";
import type { ErrorPolicy } from "../resilience/classify-error.ts";
import type { RateLimiterRegistry } from "../resilience/rate-limiter.ts";
import type { ModelEntries } from "../routing/model-entry.ts";
import type { RouteFunction, RouteRule } from "../routing/route.ts";
import type { PriceTable } from "../usage/prices.ts";
import type { TokenCounter } from "../usage/token-counter.ts";
import type { UsageTracker } from "../usage/usage-tracker.ts";

/** The router's options with defaults filled in: what every step of a call reads. */
export interface ResolvedConfig {
	entries: ModelEntries;
	rules: RouteRule[];
	route: RouteFunction | undefined;
	defaultChain: string[];
	policy: ErrorPolicy;
	retry: BackoffOptions;
	timeoutMs: number | undefined;
	streamIdleTimeoutMs: number | undefined;
	limiters: RateLimiterRegistry;
	cache:
		| {
				store: ResponseCacheStore;
				ttlMs: number | undefined;
				allowNonZeroTemperature: boolean;
				/** `CacheOptions.readTimeoutMs`, its default applied. */
				readTimeoutMs: number;
		  }
		| undefined;
	prices: PriceTable;
	usage: UsageTracker;
	context: ContextOptions | undefined;
	preModelHook: PreModelHook | undefined;
	guards: Guard[];
	tokenCounter: TokenCounter | undefined;
	expectedOutputTokens: number;
	random: () => number;
	/** The balancer of each entry that has deployments. */
	pools: Record<string, DeploymentPool>;
	clock: Clock;
}

/** Emits one event to the listener and to LangChain callbacks. */
export type Emit = (event: ModelEvent) => void;
