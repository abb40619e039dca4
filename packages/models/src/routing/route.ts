import type { BaseMessage } from "@langchain/core/messages";
import { thrownMessage } from "@weft/checkpoint";
import { describe } from "../config-check.ts";
import { NoRouteError } from "../errors.ts";
import { costOf, findPrice, type PriceTable } from "../usage/prices.ts";
import type { ModelEntries, ModelFeature } from "./model-entry.ts";

/** What the router knows about a call. */
export interface RouteContext {
	messages: BaseMessage[];
	task: string | undefined;
	inputTokens: number;
	features: ModelFeature[];
	maxCostUsd: number | undefined;
	expectedOutputTokens: number;
}

/** A row of the routing table: the first row whose conditions all hold picks the chain. */
export interface RouteRule {
	/** Shown in events and usage; default `rules[i]`. */
	name?: string | undefined;
	/** Matches these task labels. */
	task?: string | string[] | undefined;
	minInputTokens?: number | undefined;
	maxInputTokens?: number | undefined;
	/** Matches calls that need all of these features. */
	requires?: ModelFeature[] | undefined;
	/** The model, or the fallback chain, to use (entry names). */
	use: string | string[];
}

/** A route function's answer: a model or chain, or undefined to use the table. */
export type RouteAnswer = string | string[] | undefined;

/** The escape hatch: return a model or chain, or undefined to use the table; now or as a promise. */
export type RouteFunction = (
	ctx: RouteContext,
) => RouteAnswer | Promise<RouteAnswer>;

/** The routing decision, as events and usage show it. */
export interface RouteDecision {
	rule: string;
	models: string[];
	excluded: { model: string; reason: string }[];
}

function matches(rule: RouteRule, ctx: RouteContext): boolean {
	if (rule.task !== undefined) {
		const tasks = Array.isArray(rule.task) ? rule.task : [rule.task];
		if (ctx.task === undefined || !tasks.includes(ctx.task)) return false;
	}
	if (
		rule.minInputTokens !== undefined &&
		ctx.inputTokens < rule.minInputTokens
	)
		return false;
	if (
		rule.maxInputTokens !== undefined &&
		ctx.inputTokens > rule.maxInputTokens
	)
		return false;
	return (rule.requires ?? []).every((f) => ctx.features.includes(f));
}

const NO_SUCH_MODEL = "no such model";

const modelNames = (entries: ModelEntries) => Object.keys(entries).join(", ");

/**
 * The chain a route function named: a model's name or a list of names (an answer of another kind was
 * read as a name and failed as "42: no such model").
 */
function routeAnswerChain(answer: unknown, entries: ModelEntries): string[] {
	if (typeof answer === "string") return [answer];
	const at = Array.isArray(answer)
		? answer.findIndex((name) => typeof name !== "string")
		: -2;
	if (at === -1) return answer as string[];
	const shown =
		at === -2
			? describe(answer)
			: `a list holding ${describe((answer as unknown[])[at])}`;
	throw new NoRouteError(
		`the router's route() must answer a model's name, a list of names or undefined (the rules then), not ${shown}`,
		{
			hint: `return one of ${modelNames(entries)}, a list of them, or undefined`,
		},
	);
}

/** Why `name` cannot serve the call, or undefined when it can. */
function unfit(
	name: string,
	entries: ModelEntries,
	ctx: RouteContext,
	prices: PriceTable,
): string | undefined {
	const entry = entries[name];
	if (entry === undefined) return NO_SUCH_MODEL;
	for (const f of ctx.features) {
		const has =
			entry.features === undefined
				? f !== "tools" || typeof entry.model.bindTools === "function"
				: entry.features.includes(f);
		if (!has) return `lacks ${f}`;
	}
	if (
		entry.contextWindow !== undefined &&
		ctx.inputTokens > entry.contextWindow
	) {
		return `input of ${ctx.inputTokens} tokens exceeds its context window of ${entry.contextWindow}`;
	}
	if (ctx.maxCostUsd !== undefined) {
		const price = entry.price ?? findPrice(entry.priceId ?? name, prices);
		if (price === undefined)
			return "no price known, and the call has a cost ceiling";
		const cost = costOf(
			{ inputTokens: ctx.inputTokens, outputTokens: ctx.expectedOutputTokens },
			price,
		);
		if (cost > ctx.maxCostUsd)
			return `estimated $${cost.toFixed(6)} exceeds the ceiling of $${ctx.maxCostUsd}`;
	}
	return undefined;
}

/** The `route` option's answer; its failure is a NoRouteError saying so (not an anonymous NODE_FAILED). */
function runRouteFunction(
	route: RouteFunction | undefined,
	ctx: RouteContext,
): RouteAnswer | Promise<RouteAnswer> {
	if (route === undefined) return undefined;
	try {
		const answer = route(ctx);
		// a thenable of any kind becomes a promise whose rejection is told as a throw is
		return isThenable(answer)
			? Promise.resolve(answer).catch((error: unknown) => {
					throw routeFailed(error, "rejected");
				})
			: answer;
	} catch (error) {
		throw routeFailed(error, "threw");
	}
}

function isThenable(value: unknown): value is PromiseLike<RouteAnswer> {
	return (
		typeof value === "object" &&
		value !== null &&
		typeof (value as { then?: unknown }).then === "function"
	);
}

const routeFailed = (error: unknown, how: "threw" | "rejected") =>
	new NoRouteError(
		`the router's route() function ${how}: ${thrownMessage(error)}`,
		{
			cause: error,
			hint: "fix the route function (it runs before the rules on every call); return undefined to fall through to the rules",
		},
	);

/**
 * Picks the chain for a call: the function, else the first matching rule, else `defaultChain`; then drops
 * unfit models. A promise only when the route function answered with one: a sync route adds no tick.
 */
export function routeCall(
	ctx: RouteContext,
	config: RouteConfig,
): RouteDecision | Promise<RouteDecision> {
	const custom = runRouteFunction(config.route, ctx);
	return custom instanceof Promise
		? custom.then((answer) => decide(answer, ctx, config))
		: decide(custom, ctx, config);
}

interface RouteConfig {
	entries: ModelEntries;
	rules: RouteRule[];
	route: RouteFunction | undefined;
	defaultChain: string[];
	prices: PriceTable;
}

function decide(
	custom: RouteAnswer,
	ctx: RouteContext,
	config: RouteConfig,
): RouteDecision {
	let rule = "default";
	let chain = config.defaultChain;
	if (custom !== undefined) {
		rule = "function";
		chain = routeAnswerChain(custom, config.entries);
	} else {
		const i = config.rules.findIndex((r) => matches(r, ctx));
		const hit = config.rules[i];
		if (hit !== undefined) {
			rule = hit.name ?? `rules[${i}]`;
			chain = Array.isArray(hit.use) ? hit.use : [hit.use];
		}
	}
	const models: string[] = [];
	const excluded: RouteDecision["excluded"] = [];
	for (const name of chain) {
		const reason = unfit(name, config.entries, ctx, config.prices);
		if (reason === undefined) models.push(name);
		else excluded.push({ model: name, reason });
	}
	if (models.length === 0) {
		const why = excluded.map((e) => `${e.model}: ${e.reason}`).join("; ");
		const unknown = excluded.some((e) => e.reason === NO_SUCH_MODEL);
		throw new NoRouteError(
			`route "${rule}" left no model for this call (${why || "empty chain"})`,
			{
				hint: unknown
					? `name one of the router's models: ${modelNames(config.entries)}`
					: "add a model that fits to the chain, or relax the call's requirements",
			},
		);
	}
	return { rule, models, excluded };
}
