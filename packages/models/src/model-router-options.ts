import type {
	BaseChatModel,
	BaseChatModelCallOptions,
	BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ResponseCacheStore } from "./cache/response-cache-store.ts";
import type { SummarizeOptions } from "./context/summarize-messages.ts";
import type { TrimOptions } from "./context/trim-by-tokens.ts";
import type { ModelEventListener } from "./events.ts";
import type { Guard } from "./guardrails/guard.ts";
import type { BackoffOptions } from "./resilience/backoff.ts";
import type { ErrorPolicy } from "./resilience/classify-error.ts";
import type { RateLimiterRegistry } from "./resilience/rate-limiter.ts";
import type {
	BalancedModelEntry,
	ModelEntry,
	ModelFeature,
} from "./routing/model-entry.ts";
import type { RouteFunction, RouteRule } from "./routing/route.ts";
import type { PriceTable } from "./usage/prices.ts";
import type { TokenCounter } from "./usage/token-counter.ts";
import type { UsageTracker } from "./usage/usage-tracker.ts";

/** Response cache settings. */
export interface CacheOptions {
	/** Default: an in-memory LRU store (1000 entries). */
	store?: ResponseCacheStore | undefined;
	/** Time to live of new entries. Default: the store's. */
	ttlMs?: number | undefined;
	/** Cache calls whose temperature is above 0 or unknown too. Default false. */
	allowNonZeroTemperature?: boolean | undefined;
	/**
	 * The longest a call waits for the store's answer to a lookup; a read that takes longer is a miss (the
	 * model is asked). The call's `signal` ends the wait too. It bounds the wait for an answer's write as
	 * well (a write that takes longer is a cache event `error`; the answer is given). Default 1000 ms.
	 */
	readTimeoutMs?: number | undefined;
}

/** The pre-model context hook: trim to a token budget, optionally summarising what is cut. */
export type ContextOptions = TrimOptions & {
	summarize?: Pick<SummarizeOptions, "model" | "prompt" | "prefix"> | undefined;
};

/** A function run on the messages before each call (after input guards, before routing). */
export type PreModelHook = (
	messages: BaseMessage[],
	info: { callId: string; task: string | undefined },
) => BaseMessage[] | Promise<BaseMessage[]>;

/** Options of `ModelRouter`. */
export interface ModelRouterOptions {
	/** The models, by the names rules, events and usage use. A bare model gets default settings. */
	models: Record<string, BaseChatModel | ModelEntry | BalancedModelEntry>;
	/** The routing table, first match wins. */
	rules?: RouteRule[] | undefined;
	/** Escape hatch run before the table (its answer may be a promise); undefined falls through to it. */
	route?: RouteFunction | undefined;
	/** The chain when no rule matches. Default: every model, in the order given. */
	defaultChain?: string[] | undefined;
	/** Which errors retry, fall back or fail. Default: 429, 5xx, timeouts and network errors retry then fall back; the rest fail. */
	errorPolicy?: ErrorPolicy | undefined;
	/** Default backoff for every model (each entry may override). */
	retry?: BackoffOptions | undefined;
	/** Default per-attempt timeout. */
	timeoutMs?: number | undefined;
	/**
	 * A streamed call's longest wait for each chunk after its first (MODEL_TIMEOUT past it; the chunks sent
	 * stay with the caller). Default for every model: its `timeoutMs` when it has one, else 120 000 ms.
	 */
	streamIdleTimeoutMs?: number | undefined;
	/** Where rate limiters live. Default: one registry per process. */
	rateLimiters?: RateLimiterRegistry | undefined;
	/** Response cache; off unless given (true: in memory). */
	cache?: boolean | CacheOptions | undefined;
	/** Prices. Default LIST_PRICES. */
	prices?: PriceTable | undefined;
	/** Running totals. Default: a tracker of this router's own (see `.usage`). */
	usage?: UsageTracker | undefined;
	/** Trim (and summarise) the conversation before each call. */
	context?: ContextOptions | undefined;
	preModelHook?: PreModelHook | undefined;
	/** Input and output guards, run in order. */
	guards?: Guard[] | undefined;
	onEvent?: ModelEventListener | undefined;
	/** Counts input tokens for routing, limits and usage when the provider reports none. Default: per model. */
	tokenCounter?: TokenCounter | undefined;
	/** Output tokens assumed when checking a cost ceiling. Default 500. */
	expectedOutputTokens?: number | undefined;
	/** Source of jitter (tests pass a fixed one). Default Math.random. */
	random?: (() => number) | undefined;
	/** Milliseconds for circuit cool-downs and latency windows of balanced models (tests drive their own). Default performance.now. */
	clock?: (() => number) | undefined;
}

/** Per-call options, on top of LangChain's. `task` may also come from `metadata.task`. */
export interface ModelRouterCallOptions extends BaseChatModelCallOptions {
	tools?: BindToolsInput[] | undefined;
	task?: string | undefined;
	requires?: ModelFeature[] | undefined;
	maxCostUsd?: number | undefined;
	/** false: skip the cache for this call; true: cache it even at temperature > 0. */
	cache?: boolean | undefined;
	/** Fail with RateLimitTimeoutError rather than wait longer than this for a rate-limit slot. */
	maxWaitMs?: number | undefined;
	/** The conversation's thread, for `sticky-thread` balancing; also read from `configurable.thread_id`. */
	threadId?: string | undefined;
}
