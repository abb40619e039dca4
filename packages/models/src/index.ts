// @weft/models: orchestration around @langchain/core chat models.

export { DEPLOYMENT_ERROR_KINDS } from "./balance/circuit-breaker.ts";
export type {
	BalanceChoice,
	BalanceOptions,
	BalanceStrategy,
	CircuitOptions,
	CircuitState,
	Deployment,
	DeploymentStatus,
} from "./balance/deployment.ts";
export { responseCacheKey } from "./cache/cache-key.ts";
export {
	type CachedResponse,
	MemoryCacheStore,
	type MemoryCacheStoreOptions,
	type ResponseCacheStore,
} from "./cache/response-cache-store.ts";
export { type WeftResponseMetadata, weftMetadata } from "./call/finish-call.ts";
export {
	type InvokableModel,
	isSummaryMessage,
	type SummarizeOptions,
	type SummarizeResult,
	summarizeMessages,
} from "./context/summarize-messages.ts";
export {
	type TrimOptions,
	type TrimResult,
	trimByTokens,
} from "./context/trim-by-tokens.ts";
export {
	type AttemptFailure,
	type GuardFinding,
	GuardrailError,
	MODEL_ERROR_CODES,
	ModelError,
	type ModelErrorKind,
	NoRouteError,
	RateLimitTimeoutError,
} from "./errors.ts";
export {
	type EventError,
	MODEL_EVENT_NAME,
	type ModelEvent,
	type ModelEventListener,
	type ModelEventType,
} from "./events.ts";
export {
	type BlockedTopicsGuardOptions,
	blockedTopicsGuard,
} from "./guardrails/blocked-topics-guard.ts";
export {
	type Guard,
	type GuardContext,
	type GuardStage,
	type GuardVerdict,
	runGuards,
	type SideCallOptions,
} from "./guardrails/guard.ts";
export {
	type MaxLengthGuardOptions,
	maxLengthGuard,
} from "./guardrails/max-length-guard.ts";
export {
	type Detector,
	type PatternGuardOptions,
	PII_DETECTORS,
	patternGuard,
	piiGuard,
	redact,
} from "./guardrails/pii-guard.ts";
export {
	parseJsonAnswer,
	type StructuredOutputGuardOptions,
	structuredOutputGuard,
} from "./guardrails/structured-output-guard.ts";
export {
	type ToolAllowListGuardOptions,
	toolAllowListGuard,
} from "./guardrails/tool-allow-list-guard.ts";
export { ModelRouter } from "./model-router.ts";
export type {
	CacheOptions,
	ContextOptions,
	ModelRouterCallOptions,
	ModelRouterOptions,
	PreModelHook,
} from "./model-router-options.ts";
export { type BackoffOptions, backoffDelay } from "./resilience/backoff.ts";
export {
	describeError,
	type ErrorAction,
	type ErrorInfo,
	type ErrorPolicy,
	readRetryAfterMs,
} from "./resilience/classify-error.ts";
export {
	RateLimiter,
	RateLimiterRegistry,
	type RateLimitSlot,
	type RateLimits,
	sharedRateLimiters,
} from "./resilience/rate-limiter.ts";
export type {
	BalancedModelEntry,
	ModelEntry,
	ModelFeature,
} from "./routing/model-entry.ts";
export type {
	RouteContext,
	RouteDecision,
	RouteFunction,
	RouteRule,
} from "./routing/route.ts";
export {
	costOf,
	findPrice,
	LIST_PRICES,
	type ModelPrice,
	PRICES_AS_OF,
	type PriceTable,
	type TokenCounts,
	withPrices,
} from "./usage/prices.ts";
export {
	estimateTokens,
	type TokenCounter,
	tokenCounterFor,
} from "./usage/token-counter.ts";
export {
	type CallUsage,
	type UsageBalance,
	type UsageTotals,
	UsageTracker,
} from "./usage/usage-tracker.ts";
