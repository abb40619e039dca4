import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { checkBalance } from "../balance/check-balance-options.ts";
import {
	checkModel,
	checkNumber,
	configInvalid,
	describe,
	isChatModel,
	isStringList,
} from "../config-check.ts";
import type { BackoffOptions } from "../resilience/backoff.ts";
import { checkRateLimits } from "../resilience/check-rate-limits.ts";
import {
	checkBackoff,
	checkTimeout,
} from "../resilience/check-resilience-options.ts";
import { checkPrice } from "../usage/prices.ts";
import type { ModelEntry } from "./model-entry.ts";

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
	streamIdleTimeoutMs: true,
	temperature: true,
	deployments: true,
	balance: true,
});

/** One of `models`: a chat model, an entry `{ model, … }` or a balanced entry `{ deployments, … }`. */
export function checkEntry(name: string, value: unknown): void {
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
	checkTimeout(entry.streamIdleTimeoutMs, `${where}.streamIdleTimeoutMs`);
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
