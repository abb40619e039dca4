import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ConfigError } from "@weft/checkpoint";
import type { BalanceOptions, Deployment } from "../balance/deployment.ts";
import type { BackoffOptions } from "../resilience/backoff.ts";
import type { RateLimits } from "../resilience/rate-limiter.ts";
import type { ModelPrice } from "../usage/prices.ts";

/** A capability a call may need: "tools" and "vision" are detected from the call; others are asked for by name. */
export type ModelFeature = "tools" | "vision" | "json" | (string & {});

/** A model the router may use, with what it can do and how to treat it. */
export interface ModelEntry {
	model: BaseChatModel;
	/** What it supports; undefined: not checked (assumed to support everything asked, tools only if it has bindTools). */
	features?: ModelFeature[] | undefined;
	/** Largest input in tokens; longer inputs skip this model. */
	contextWindow?: number | undefined;
	/** Its price; default: looked up by `priceId` (or the entry's name) in the price table. */
	price?: ModelPrice | undefined;
	priceId?: string | undefined;
	/** Requests/tokens per minute and concurrency, shared by every entry with the same `rateLimitKey`. */
	rateLimits?: RateLimits | undefined;
	/** Default: the entry's name. Use one key for models that share an API key's budget. */
	rateLimitKey?: string | undefined;
	/** Retries and backoff for this model (over the router's). */
	retry?: BackoffOptions | undefined;
	/** Abort an attempt after this long (for streams: until the first chunk). */
	timeoutMs?: number | undefined;
	/** For streams: the longest wait for each chunk after the first (over the router's `streamIdleTimeoutMs`). */
	streamIdleTimeoutMs?: number | undefined;
	/** The temperature it runs at, when the model object does not say (decides whether responses are cached). */
	temperature?: number | undefined;
	/** Several places serving this model (keys, regions, providers); each attempt goes to one, picked by `balance`. */
	deployments?: Deployment[] | undefined;
	/** How attempts spread over `deployments`, and when a deployment is left alone. */
	balance?: BalanceOptions | undefined;
}

/** A model entry served by several deployments; `model` (for feature checks) defaults to the first deployment's. */
export type BalancedModelEntry = Omit<
	ModelEntry,
	"model" | "deployments" | "rateLimits" | "rateLimitKey"
> & {
	model?: BaseChatModel | undefined;
	deployments: Deployment[];
	/** Set on each deployment instead. */
	rateLimits?: never;
	rateLimitKey?: never;
};

/** Resolved entries by name. */
export type ModelEntries = Record<string, ModelEntry>;

/** Normalises `{ name: model | entry }` into entries. */
export function toEntries(
	models: Record<string, BaseChatModel | ModelEntry | BalancedModelEntry>,
): ModelEntries {
	const out: ModelEntries = {};
	for (const [name, value] of Object.entries(models)) {
		if ("deployments" in value && Array.isArray(value.deployments)) {
			const model = value.model ?? value.deployments[0]?.model;
			if (model === undefined)
				throw new ConfigError(
					"CONFIG_INVALID",
					`model "${name}" has an empty \`deployments\` list`,
					{ hint: "give it at least one deployment, or a plain `model`" },
				);
			if ("rateLimits" in value && value.rateLimits !== undefined)
				throw new ConfigError(
					"CONFIG_INVALID",
					`model "${name}" has both \`deployments\` and \`rateLimits\``,
					{ hint: "set rateLimits on each deployment instead" },
				);
			out[name] = { ...value, model };
			continue;
		}
		out[name] =
			"model" in value &&
			typeof (value as ModelEntry).model?.invoke === "function"
				? (value as ModelEntry)
				: { model: value as BaseChatModel };
	}
	return out;
}

/** The temperature a call runs at: the entry's declaration, else the model object's field; undefined if unknown. */
export function temperatureOf(entry: ModelEntry): number | undefined {
	if (entry.temperature !== undefined) return entry.temperature;
	const t = (entry.model as unknown as { temperature?: unknown }).temperature;
	return typeof t === "number" ? t : undefined;
}
