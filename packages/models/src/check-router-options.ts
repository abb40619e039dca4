import { keysOf, refuseUnknownKeys, unknownKey } from "@weft/checkpoint";
import type {
	BalanceOptions,
	CircuitOptions,
	Deployment,
} from "./balance/deployment.ts";
import {
	checkNumber,
	checkObject,
	configInvalid,
	describe,
	isStringList,
} from "./config-check.ts";
import type { SummarizeOptions } from "./context/summarize-messages.ts";
import { checkTrimOptions, TRIM_KEYS } from "./context/trim-by-tokens.ts";
import type { ModelErrorKind } from "./errors.ts";
import type {
	CacheOptions,
	ContextOptions,
	ModelRouterOptions,
} from "./model-router-options.ts";
import type { BackoffOptions } from "./resilience/backoff.ts";
import { checkRateLimits } from "./resilience/check-rate-limits.ts";
import type { ErrorPolicy } from "./resilience/classify-error.ts";
import type { ModelEntry } from "./routing/model-entry.ts";
import type { RouteRule } from "./routing/route.ts";
import { checkPrice, checkPrices } from "./usage/prices.ts";

const STRATEGIES = [
	"weighted-round-robin",
	"least-outstanding",
	"lowest-latency",
	"sticky-thread",
];
const JITTER = ["full", "equal", "none"];

// a misspelled option (`gaurds`, `cahce`, `maxRetrys`) was ignored without a word: refused, naming the one meant
const ROUTER_KEYS = keysOf<ModelRouterOptions>({
	models: true,
	rules: true,
	route: true,
	defaultChain: true,
	errorPolicy: true,
	retry: true,
	timeoutMs: true,
	rateLimiters: true,
	cache: true,
	prices: true,
	usage: true,
	context: true,
	preModelHook: true,
	guards: true,
	onEvent: true,
	tokenCounter: true,
	expectedOutputTokens: true,
	random: true,
	clock: true,
});
const ENTRY_KEYS = keysOf<ModelEntry>({
	model: true,
	features: true,
	contextWindow: true,
	price: true,
	priceId: true,
	rateLimits: true,
	rateLimitKey: true,
	retry: true,
	timeoutMs: true,
	temperature: true,
	deployments: true,
	balance: true,
});
const BACKOFF_KEYS = keysOf<BackoffOptions>({
	maxRetries: true,
	initialDelayMs: true,
	factor: true,
	maxDelayMs: true,
	jitter: true,
	maxRetryAfterMs: true,
});
const CACHE_KEYS = keysOf<CacheOptions>({
	store: true,
	ttlMs: true,
	allowNonZeroTemperature: true,
	readTimeoutMs: true,
});
// nested options too: a rule whose only condition was misspelt (`tsk`) had none left and took every call
const RULE_KEYS = keysOf<RouteRule>({
	name: true,
	task: true,
	minInputTokens: true,
	maxInputTokens: true,
	requires: true,
	use: true,
});
const DEPLOYMENT_KEYS = keysOf<Deployment>({
	name: true,
	model: true,
	weight: true,
	rateLimits: true,
	rateLimitKey: true,
});
const BALANCE_KEYS = keysOf<BalanceOptions>({
	strategy: true,
	circuit: true,
	latencyWindow: true,
	maxThreads: true,
});
const CIRCUIT_KEYS = keysOf<CircuitOptions>({
	failureThreshold: true,
	coolDownMs: true,
});
const CONTEXT_KEYS: ReadonlySet<string> = new Set([
	...TRIM_KEYS,
	...keysOf<Pick<ContextOptions, "summarize">>({ summarize: true }),
]);
const SUMMARIZE_KEYS = keysOf<
	Pick<SummarizeOptions, "model" | "prompt" | "prefix">
>({
	model: true,
	prompt: true,
	prefix: true,
});
const ERROR_POLICY_KEYS = keysOf<ErrorPolicy>({
	retryOn: true,
	fallbackOn: true,
	decide: true,
});
const ERROR_KINDS = keysOf<Record<ModelErrorKind, unknown>>({
	rate_limit: true,
	server: true,
	timeout: true,
	network: true,
	bad_request: true,
	auth: true,
	not_found: true,
	aborted: true,
	unavailable: true,
	unknown: true,
});

/** A LangChain chat model (anything with `invoke`): what `models` and deployments must hold. */
export function isChatModel(value: unknown): boolean {
	return (
		typeof value === "object" &&
		value !== null &&
		typeof (value as { invoke?: unknown }).invoke === "function"
	);
}

function checkModel(value: unknown, where: string): void {
	if (!isChatModel(value))
		throw configInvalid(
			`${where} is not a chat model (got ${describe(value)})`,
			"pass a @langchain/core chat model (e.g. new ChatOpenAI(…)) or an entry { model, … }",
		);
}

export function checkBackoff(retry: BackoffOptions | undefined, where: string) {
	checkObject(retry, where);
	if (retry === undefined) return;
	refuseUnknownKeys(retry, BACKOFF_KEYS, where);
	checkNumber(retry.maxRetries, `${where}.maxRetries`, { integer: true });
	checkNumber(retry.initialDelayMs, `${where}.initialDelayMs`, { timer: true });
	checkNumber(retry.factor, `${where}.factor`, { min: 1 });
	checkNumber(retry.maxDelayMs, `${where}.maxDelayMs`, { timer: true });
	checkNumber(retry.maxRetryAfterMs, `${where}.maxRetryAfterMs`, {
		timer: true,
	});
	if (retry.jitter !== undefined && !JITTER.includes(retry.jitter))
		throw configInvalid(
			`${where}.jitter is ${describe(retry.jitter)}`,
			`use one of: ${JITTER.join(", ")}`,
		);
}

function checkTimeout(value: unknown, where: string) {
	checkNumber(value, where, { positive: true, timer: true });
}

function checkBalance(entry: Record<string, unknown>, where: string): void {
	const deployments = entry.deployments as unknown[];
	deployments.forEach((d, i) => {
		const at = `${where}.deployments[${i}]`;
		checkObject(d, at);
		const dep = (d ?? {}) as Record<string, unknown>;
		if (typeof dep.name !== "string" || dep.name === "")
			throw configInvalid(
				`${at} has no name (got ${describe(dep.name)})`,
				"give each deployment a unique `name`: events, usage and rate-limit keys use it",
			);
		refuseUnknownKeys(dep, DEPLOYMENT_KEYS, at);
		checkModel(dep.model, `${at}.model`);
		checkNumber(dep.weight, `${at}.weight`, { positive: true });
		checkRateLimits(dep.rateLimits, `${at}.rateLimits`);
		if (dep.rateLimitKey !== undefined && typeof dep.rateLimitKey !== "string")
			throw configInvalid(
				`${at}.rateLimitKey must be a string, got ${describe(dep.rateLimitKey)}`,
				"name the rate-limit budget with a string, or leave it out",
			);
	});
	const balance = entry.balance as Record<string, unknown> | undefined;
	checkObject(balance, `${where}.balance`);
	if (balance === undefined) return;
	refuseUnknownKeys(balance, BALANCE_KEYS, `${where}.balance`);
	if (
		balance.strategy !== undefined &&
		!STRATEGIES.includes(balance.strategy as string)
	)
		throw configInvalid(
			`${where}.balance.strategy is ${describe(balance.strategy)}`,
			`use one of: ${STRATEGIES.join(", ")}`,
		);
	const circuit = balance.circuit as Record<string, unknown> | undefined;
	checkObject(circuit, `${where}.balance.circuit`);
	refuseUnknownKeys(circuit, CIRCUIT_KEYS, `${where}.balance.circuit`);
	checkNumber(
		circuit?.failureThreshold,
		`${where}.balance.circuit.failureThreshold`,
		{
			min: 1,
			integer: true,
		},
	);
	checkNumber(circuit?.coolDownMs, `${where}.balance.circuit.coolDownMs`);
	checkNumber(balance.latencyWindow, `${where}.balance.latencyWindow`, {
		min: 1,
		integer: true,
	});
	checkNumber(balance.maxThreads, `${where}.balance.maxThreads`, {
		min: 1,
		integer: true,
	});
}

function checkEntry(name: string, value: unknown): void {
	const where = `models["${name}"]`;
	if (isChatModel(value)) return;
	if (value === null || typeof value !== "object" || Array.isArray(value))
		throw configInvalid(
			`${where} is ${describe(value)}, not a chat model or an entry`,
			"pass a @langchain/core chat model, { model, … } or { deployments: [{ name, model }, …] }",
		);
	refuseUnknownKeys(value, ENTRY_KEYS, where);
	const entry = value as Record<string, unknown>;
	if (Array.isArray(entry.deployments)) {
		if (entry.model !== undefined) checkModel(entry.model, `${where}.model`);
		checkBalance(entry, where);
	} else {
		checkModel(entry.model, `${where}.model`);
		checkRateLimits(entry.rateLimits, `${where}.rateLimits`);
	}
	checkBackoff(entry.retry as BackoffOptions | undefined, `${where}.retry`);
	checkTimeout(entry.timeoutMs, `${where}.timeoutMs`);
	checkNumber(entry.contextWindow, `${where}.contextWindow`, {
		positive: true,
		infinite: true,
	});
	checkNumber(entry.temperature, `${where}.temperature`);
	if (entry.features !== undefined && !isStringList(entry.features))
		throw configInvalid(
			`${where}.features must be a list of feature names, got ${describe(entry.features)}`,
			'pass features: ["tools", "vision"], or leave it out',
		);
	if (entry.price !== undefined) checkPrice(entry.price, `${where}.price`);
}

/** Refuses every mistake in a router's options that would otherwise fail later (or never): CONFIG_INVALID with a hint. */
export function checkRouterOptions(options: ModelRouterOptions): void {
	if (options === null || typeof options !== "object")
		throw configInvalid(
			`ModelRouter needs an options object, got ${describe(options)}`,
			"new ModelRouter({ models: { name: chatModel } })",
		);
	refuseUnknownKeys(options, ROUTER_KEYS, "ModelRouter");
	const models = options.models as unknown;
	if (models === null || typeof models !== "object" || Array.isArray(models))
		throw configInvalid(
			`ModelRouter's \`models\` must be an object of models by name, got ${describe(models)}`,
			"new ModelRouter({ models: { name: chatModel } })",
		);
	for (const [name, value] of Object.entries(models)) checkEntry(name, value);
	checkBackoff(options.retry, "retry");
	checkTimeout(options.timeoutMs, "timeoutMs");
	checkNumber(options.expectedOutputTokens, "expectedOutputTokens");
	if (typeof options.cache === "object" && options.cache !== null) {
		refuseUnknownKeys(options.cache, CACHE_KEYS, "cache");
		checkNumber(options.cache.ttlMs, "cache.ttlMs", {
			positive: true,
		});
		checkNumber(options.cache.readTimeoutMs, "cache.readTimeoutMs", {
			positive: true,
			timer: true,
		});
		checkCacheStore(options.cache);
	} else if (options.cache !== undefined && typeof options.cache !== "boolean")
		throw configInvalid(
			`cache must be true, false or { store, ttlMs, … }, got ${describe(options.cache)}`,
			"pass cache: true for an in-memory cache",
		);
	if (options.context !== undefined) {
		checkObject(options.context, "context");
		checkTrimOptions(options.context, "context", CONTEXT_KEYS);
		const summarize = options.context.summarize;
		if (summarize !== undefined) {
			checkObject(summarize, "context.summarize");
			refuseUnknownKeys(summarize, SUMMARIZE_KEYS, "context.summarize");
			checkModel(summarize.model, "context.summarize.model");
			for (const key of ["prompt", "prefix"] as const)
				if (summarize[key] !== undefined && typeof summarize[key] !== "string")
					throw configInvalid(
						`context.summarize.${key} must be a string, got ${describe(summarize[key])}`,
						`pass ${key} as a string, or leave it out for the default`,
					);
		}
	}
	checkErrorPolicy(options.errorPolicy);
	checkUsage(options.usage);
	for (const key of ["rules", "guards", "defaultChain"] as const) {
		const v = options[key];
		if (v !== undefined && !Array.isArray(v))
			throw configInvalid(
				`${key} must be an array, got ${describe(v)}`,
				`pass ${key} as an array, or leave it out`,
			);
	}
	for (const [i, rule] of (options.rules ?? []).entries()) checkRule(rule, i);
	for (const [i, guard] of (options.guards ?? []).entries())
		checkGuard(guard, i);
	if (options.prices !== undefined) checkPrices(options.prices, "prices");
	for (const key of [
		"route",
		"preModelHook",
		"onEvent",
		"tokenCounter",
		"random",
		"clock",
	] as const) {
		const v = options[key];
		if (v !== undefined && typeof v !== "function")
			throw configInvalid(
				`${key} must be a function, got ${describe(v)}`,
				`pass a function for ${key}, or leave it out`,
			);
	}
}

/** A routing rule's shape: a NaN bound matched every call, a numeric task none, a string `requires` threw. */
function checkRule(rule: unknown, i: number): void {
	const where = `rules[${i}]`;
	if (rule === null || typeof rule !== "object" || Array.isArray(rule))
		throw configInvalid(
			`${where} must be a rule object, got ${describe(rule)}`,
			'pass rules like { task: "summarise", use: ["gpt-4o-mini", "gpt-4o"] }',
		);
	refuseUnknownKeys(rule, RULE_KEYS, where);
	const r = rule as Record<string, unknown>;
	if (r.name !== undefined && typeof r.name !== "string")
		throw configInvalid(
			`${where}.name must be a string, got ${describe(r.name)}`,
			"name the rule with a string, or leave it out",
		);
	if (
		r.task !== undefined &&
		typeof r.task !== "string" &&
		!isStringList(r.task, true)
	)
		throw configInvalid(
			`${where}.task must be a task label or a list of them, got ${describe(r.task)}`,
			'pass task: "summarise" or task: ["summarise", "translate"] (a non-empty list)',
		);
	checkNumber(r.minInputTokens, `${where}.minInputTokens`, { infinite: true });
	checkNumber(r.maxInputTokens, `${where}.maxInputTokens`, { infinite: true });
	if (r.requires !== undefined && !isStringList(r.requires))
		throw configInvalid(
			`${where}.requires must be a list of feature names, got ${describe(r.requires)}`,
			'pass requires: ["tools"], or leave it out',
		);
	if (typeof r.use !== "string" && !isStringList(r.use, true))
		throw configInvalid(
			`${where}.use must be a model name or a non-empty list of them, got ${describe(r.use)}`,
			'pass use: "gpt-4o" or use: ["gpt-4o-mini", "gpt-4o"] (names from `models`)',
		);
	// a rule without a condition matches every call: the rules after it, and defaultChain, never run
	const conditions =
		r.task !== undefined ||
		r.minInputTokens !== undefined ||
		r.maxInputTokens !== undefined ||
		(Array.isArray(r.requires) && r.requires.length > 0);
	if (!conditions)
		throw configInvalid(
			`${where} has no condition (task, minInputTokens, maxInputTokens or requires), so it would match every call`,
			"give the rule a condition; to choose the models of calls no rule matches, use defaultChain: [...] instead",
		);
}

/** `errorPolicy`: known keys, lists of known error kinds (`"ratelimit"` turned off retrying 429s), a function. */
function checkErrorPolicy(policy: ErrorPolicy | undefined): void {
	checkObject(policy, "errorPolicy");
	if (policy === undefined) return;
	refuseUnknownKeys(policy, ERROR_POLICY_KEYS, "errorPolicy");
	for (const key of ["retryOn", "fallbackOn"] as const) {
		const kinds: unknown = policy[key];
		if (kinds === undefined) continue;
		if (!Array.isArray(kinds))
			throw configInvalid(
				`errorPolicy.${key} must be a list of error kinds, got ${describe(kinds)}`,
				`pass ${key}: ["rate_limit", "server"]; the kinds are ${[...ERROR_KINDS].join(", ")}`,
			);
		kinds.forEach((kind: unknown, i) => {
			if (typeof kind === "string" && ERROR_KINDS.has(kind)) return;
			const near =
				typeof kind === "string"
					? unknownKey({ [kind]: true }, ERROR_KINDS)
					: undefined;
			const meant = near?.hint.match(/^did you mean (\S+)\?/)?.[1];
			throw configInvalid(
				`errorPolicy.${key}[${i}] is ${describe(kind)}, not an error kind`,
				`${meant === undefined ? "" : `did you mean ${meant}? `}The kinds are ${[...ERROR_KINDS].join(", ")}`,
			);
		});
	}
	if (policy.decide !== undefined && typeof policy.decide !== "function")
		throw configInvalid(
			`errorPolicy.decide must be a function, got ${describe(policy.decide)}`,
			'pass decide: (error, info) => "retry" | "fallback" | "fail" | undefined, or leave it out',
		);
}

/** Which of `methods` `value` lacks as functions (all of them when it is no object). */
function missingMethods(value: unknown, methods: readonly string[]): string[] {
	return methods.filter(
		(m) =>
			value === null ||
			typeof value !== "object" ||
			typeof (value as Record<string, unknown>)[m] !== "function",
	);
}

/** `usage` is a tracker: `{}` passed construction and failed the first call ("record is not a function"). */
function checkUsage(usage: unknown): void {
	if (usage === undefined) return;
	const missing = missingMethods(usage, ["record", "totals", "calls", "reset"]);
	if (missing.length > 0)
		throw configInvalid(
			`usage must be a UsageTracker, got ${describe(usage)} (no ${missing.join(", ")} function)`,
			"pass usage: new UsageTracker() to share totals between routers, or leave it out (each router keeps its own)",
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

/** A guard's shape: a name, the stages it runs at, an action and a check function. */
function checkGuard(guard: unknown, i: number): void {
	const g = guard as Partial<Record<string, unknown>> | null;
	const where = `guards[${i}]${typeof g?.name === "string" ? ` ("${g.name}")` : ""}`;
	if (typeof g !== "object" || g === null)
		throw configInvalid(
			`${where} is not a guard (got ${describe(guard)})`,
			"pass a guard such as piiGuard() or { name, stages, action, check }",
		);
	if (typeof g.name !== "string" || g.name === "")
		throw configInvalid(
			`${where} has no name`,
			"give the guard a name: it is named in every GuardrailError",
		);
	if (
		!Array.isArray(g.stages) ||
		g.stages.length === 0 ||
		!g.stages.every((s) => s === "input" || s === "output")
	)
		throw configInvalid(
			`${where}.stages must list "input" and/or "output", got ${describe(g.stages)}`,
			'pass stages: ["input"], ["output"] or both',
		);
	if (g.action !== "block" && g.action !== "rewrite")
		throw configInvalid(
			`${where}.action must be "block" or "rewrite", got ${describe(g.action)}`,
			'pass action: "block" (a trip throws) or "rewrite" (its rewrite is used)',
		);
	if (typeof g.check !== "function")
		throw configInvalid(
			`${where}.check must be a function, got ${describe(g.check)}`,
			"pass check: (ctx) => ({ ok: true }) or ({ ok: false, findings })",
		);
}
