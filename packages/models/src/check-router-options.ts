import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { checkCacheOptions } from "./cache/check-cache-options.ts";
import {
	checkNumber,
	configInvalid,
	describe,
	missingMethods,
} from "./config-check.ts";
import { checkContextOptions } from "./context/check-context-options.ts";
import { checkGuard } from "./guardrails/check-guard.ts";
import type { ModelRouterOptions } from "./model-router-options.ts";
import { checkRateLimiters } from "./resilience/check-rate-limits.ts";
import {
	checkBackoff,
	checkErrorPolicy,
	checkTimeout,
} from "./resilience/check-resilience-options.ts";
import { checkEntry } from "./routing/check-model-entry.ts";
import { checkRule } from "./routing/check-rule.ts";
import { checkPrices } from "./usage/prices.ts";

// Each option group is checked beside the code it configures (routing/, balance/, resilience/, cache/,
// context/, guardrails/); this file holds the top level and the options that are a single value.

// a misspelled option (`gaurds`, `cahce`, `maxRetrys`) was ignored without a word: refused, naming the one meant
const ROUTER_KEYS = keysOf<ModelRouterOptions>({
	models: true,
	rules: true,
	route: true,
	defaultChain: true,
	errorPolicy: true,
	retry: true,
	timeoutMs: true,
	streamIdleTimeoutMs: true,
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
	checkTimeout(options.streamIdleTimeoutMs, "streamIdleTimeoutMs");
	checkNumber(options.expectedOutputTokens, "expectedOutputTokens");
	checkCacheOptions(options.cache);
	checkContextOptions(options.context);
	checkErrorPolicy(options.errorPolicy);
	checkRateLimiters(options.rateLimiters);
	checkUsage(options.usage);
	for (const key of ["rules", "guards", "defaultChain"] as const) {
		const v = options[key];
		if (v !== undefined && !Array.isArray(v))
			throw configInvalid(
				`${key} must be an array, got ${describe(v)}`,
				`pass ${key} as an array, or leave it out`,
			);
	}
	// an empty chain took every call no rule matches and failed it later, NO_ROUTE "empty chain"
	if (options.defaultChain?.length === 0)
		throw configInvalid(
			"ModelRouter's defaultChain is empty: a call no rule matches would have no model to go to",
			`leave it out (every model, in the order of \`models\`: ${Object.keys(models).join(", ")}), or name the models to try, e.g. defaultChain: [${JSON.stringify(Object.keys(models)[0] ?? "gpt-4o")}]`,
		);
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
