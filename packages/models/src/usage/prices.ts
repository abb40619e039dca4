import { roundCost } from "@weft/checkpoint";
import { checkNumber, configInvalid, describe } from "../config-check.ts";

/** USD per million tokens. `cachedInputPerMTok` is the price of a cache read, `cacheWritePerMTok` of a cache write. */
export interface ModelPrice {
	inputPerMTok: number;
	outputPerMTok: number;
	cachedInputPerMTok?: number | undefined;
	cacheWritePerMTok?: number | undefined;
}

/** A price table: model id → price (an id also prices its dated and `-latest` forms: see `findPrice`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * When LIST_PRICES was taken. These are the providers' published list prices for standard
 * (non-batch, short-context) use as known in 2025-11, not re-checked against the live pages:
 * verify before you bill anyone, and extend or override with `withPrices`.
 */
export const PRICES_AS_OF = "2025-11-01";

const p = (
	inputPerMTok: number,
	outputPerMTok: number,
	cachedInputPerMTok?: number,
	cacheWritePerMTok?: number,
): ModelPrice => ({
	inputPerMTok,
	outputPerMTok,
	cachedInputPerMTok,
	cacheWritePerMTok,
});

/** List prices of common OpenAI, Anthropic and Google models, in USD per million tokens, as of PRICES_AS_OF. */
export const LIST_PRICES: PriceTable = {
	// OpenAI
	"gpt-5": p(1.25, 10, 0.125),
	"gpt-5-mini": p(0.25, 2, 0.025),
	"gpt-5-nano": p(0.05, 0.4, 0.005),
	"gpt-4.1": p(2, 8, 0.5),
	"gpt-4.1-mini": p(0.4, 1.6, 0.1),
	"gpt-4.1-nano": p(0.1, 0.4, 0.025),
	"gpt-4o": p(2.5, 10, 1.25),
	"gpt-4o-mini": p(0.15, 0.6, 0.075),
	o3: p(2, 8, 0.5),
	"o3-mini": p(1.1, 4.4, 0.55),
	"o4-mini": p(1.1, 4.4, 0.275),
	// Anthropic (cache reads 0.1×, 5-minute cache writes 1.25× the input price)
	"claude-opus-4-5": p(5, 25, 0.5, 6.25),
	"claude-opus-4-1": p(15, 75, 1.5, 18.75),
	"claude-opus-4": p(15, 75, 1.5, 18.75),
	"claude-opus-4-0": p(15, 75, 1.5, 18.75), // Anthropic's alias of claude-opus-4
	"claude-sonnet-4-5": p(3, 15, 0.3, 3.75),
	"claude-sonnet-4": p(3, 15, 0.3, 3.75),
	"claude-sonnet-4-0": p(3, 15, 0.3, 3.75), // Anthropic's alias of claude-sonnet-4
	"claude-3-7-sonnet": p(3, 15, 0.3, 3.75),
	"claude-haiku-4-5": p(1, 5, 0.1, 1.25),
	"claude-3-5-haiku": p(0.8, 4, 0.08, 1),
	// Google (prompts up to 200k tokens)
	"gemini-2.5-pro": p(1.25, 10, 0.125),
	"gemini-2.5-flash": p(0.3, 2.5, 0.03),
	"gemini-2.5-flash-lite": p(0.1, 0.4, 0.01),
	"gemini-2.0-flash": p(0.1, 0.4, 0.025),
};

/** LIST_PRICES with your entries added or replaced. */
export function withPrices(
	extra: PriceTable,
	base: PriceTable = LIST_PRICES,
): PriceTable {
	checkPrices(extra, "withPrices");
	return { ...base, ...extra };
}

/** Every price of a table: finite numbers ≥ 0, input and output given (a bad one made every total NaN). */
export function checkPrices(table: unknown, where: string): void {
	if (table === null || typeof table !== "object" || Array.isArray(table))
		throw configInvalid(
			`${where}: a price table is an object of model id → price, got ${describe(table)}`,
			'pass { "my-model": { inputPerMTok: 1, outputPerMTok: 2 } }',
		);
	for (const [model, price] of Object.entries(table))
		checkPrice(price, `${where}["${model}"]`);
}

/** A model's price: `inputPerMTok` and `outputPerMTok` required, the cache prices optional; all USD ≥ 0. */
export function checkPrice(price: unknown, where: string): void {
	if (price === null || typeof price !== "object" || Array.isArray(price))
		throw configInvalid(
			`${where} is ${describe(price)}, not a price`,
			"pass { inputPerMTok, outputPerMTok } in USD per million tokens",
		);
	const p = price as Record<string, unknown>;
	for (const key of ["inputPerMTok", "outputPerMTok"])
		checkNumber(p[key], `${where}.${key}`, { required: true });
	for (const key of ["cachedInputPerMTok", "cacheWritePerMTok"])
		checkNumber(p[key], `${where}.${key}`);
}

/**
 * What may follow a listed id and still name the same model: a release date (`-20250929`,
 * `-2024-08-06`, OpenAI's `-0613`), `-latest`, or a three-digit revision (Gemini's `-002`). Any other
 * suffix names another model, often at another price: `gpt-5-pro` is not `gpt-5`, `o3-pro` not `o3`,
 * `claude-opus-4-6` not `claude-opus-4`, and `-preview` and `-exp` releases are priced apart (or free).
 */
const SAME_MODEL_SUFFIX = /^(?:latest|\d{8}|\d{4}-\d{2}-\d{2}|\d{4}|\d{3})$/;

/**
 * The price of `model`: its exact id (less a provider prefix such as `openai:`) first, then a listed id
 * that it extends by a release date, `-latest` or a three-digit revision (`gpt-4o-2024-08-06` →
 * `gpt-4o`). Any other id is unpriced (undefined): `gpt-5-pro` does not get `gpt-5`'s price; list it
 * with `withPrices`.
 */
export function findPrice(
	model: string,
	table: PriceTable = LIST_PRICES,
): ModelPrice | undefined {
	if (typeof model !== "string")
		throw configInvalid(
			`findPrice needs a model name, got ${describe(model)}`,
			'pass the model\'s name, e.g. findPrice("gpt-4o-mini")',
		);
	const id = model.replace(
		/^(openai|anthropic|google|google-genai|models)[:/]/,
		"",
	);
	if (Object.hasOwn(table, id)) return table[id];
	let best: string | undefined;
	for (const key of Object.keys(table)) {
		if (
			id.startsWith(`${key}-`) &&
			SAME_MODEL_SUFFIX.test(id.slice(key.length + 1)) &&
			(best === undefined || key.length > best.length)
		)
			best = key;
	}
	return best === undefined ? undefined : table[best];
}

/** Token counts of one call; `inputTokens` includes the cached and cache-written ones, as usage_metadata does. */
export interface TokenCounts {
	inputTokens: number;
	outputTokens: number;
	cachedInputTokens?: number | undefined;
	cacheWriteTokens?: number | undefined;
}

/** The cost of one call in USD (cache reads and writes at their own prices when the table has them). */
export function costOf(tokens: TokenCounts, price: ModelPrice): number {
	const cached = tokens.cachedInputTokens ?? 0;
	const written = tokens.cacheWriteTokens ?? 0;
	const plain = Math.max(0, tokens.inputTokens - cached - written);
	const usd =
		plain * price.inputPerMTok +
		cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
		written * (price.cacheWritePerMTok ?? price.inputPerMTok) +
		tokens.outputTokens * price.outputPerMTok;
	return roundCost(usd / 1_000_000);
}
