import type {
	AIMessage,
	AIMessageChunk,
	BaseMessage,
	UsageMetadata,
} from "@langchain/core/messages";
import { messageUsage } from "@weft/checkpoint";
import { replyUsage } from "../context/summarize-messages.ts";
import type { GuardContext } from "../guardrails/guard.ts";
import type { ModelEntry } from "../routing/model-entry.ts";
import { costOf, findPrice } from "../usage/prices.ts";
import { tokenCounterFor } from "../usage/token-counter.ts";
import type { CallUsage, UsageBalance } from "../usage/usage-tracker.ts";
import { withMetadata } from "./message-parts.ts";
import type { PreparedCall } from "./prepare-call.ts";
import type { Emit, ResolvedConfig } from "./resolved-config.ts";

/** What the router puts on every AIMessage it returns, as `response_metadata.weft`. */
export interface WeftResponseMetadata {
	model: string;
	costUsd: number | undefined;
	cache: "hit" | "miss";
	route: string;
	attempts: number;
	callId: string;
	/** Tokens were counted here because the provider reported none. */
	counted: boolean;
	/** On a cache hit: the cost of the original call. */
	savedUsd?: number | undefined;
	/** For a balanced model: the deployment that answered, the strategy and why it was chosen. */
	balance?: UsageBalance | undefined;
	/** A model after the route's first answered (the first failed and the call fell back). */
	fallback?: true | undefined;
	/**
	 * Model calls made for this call that its own usage does not cover (the context summariser's, a
	 * guard's classifier), so that a graph adds them to the run's usage.
	 */
	sideCalls?: SideCall[] | undefined;
}

/** A model call made for a call (`WeftResponseMetadata.sideCalls`). */
export interface SideCall {
	model: string;
	route: string;
	inputTokens: number;
	outputTokens: number;
	costUsd: number | undefined;
}

/** The `response_metadata.weft` of a message the router returned, typed; undefined for other messages. */
export function weftMetadata(message: {
	response_metadata?: Record<string, unknown>;
}): WeftResponseMetadata | undefined {
	const value = message.response_metadata?.weft;
	return typeof value === "object" && value !== null
		? (value as WeftResponseMetadata)
		: undefined;
}

/**
 * Token usage of an answer: the provider's (read by `messageUsage`: usage_metadata, else an older model's
 * response_metadata.tokenUsage or usage), else counted with the model's tokenizer.
 */
export async function usageOf(
	cfg: ResolvedConfig,
	name: string,
	sent: BaseMessage[],
	answer: AIMessage | AIMessageChunk,
): Promise<{ usage: UsageMetadata; counted: boolean }> {
	// a provider's odd numbers ("100", NaN, -5) read as counts, or counted here as none reported
	const reported = messageUsage(answer) as UsageMetadata | undefined;
	if (reported !== undefined) return { usage: reported, counted: false };
	const count = cfg.tokenCounter ?? tokenCounterFor(name);
	const input = await count(sent);
	const output = Math.max(0, (await count([answer])) - 4);
	return {
		usage: {
			input_tokens: input,
			output_tokens: output,
			total_tokens: input + output,
		},
		counted: true,
	};
}

/** The price of a call to `name`, or undefined when no price is known. */
export function priceCall(
	cfg: ResolvedConfig,
	name: string,
	entry: ModelEntry,
	usage: UsageMetadata,
): number | undefined {
	const price = entry.price ?? findPrice(entry.priceId ?? name, cfg.prices);
	if (price === undefined) return undefined;
	return costOf(
		{
			inputTokens: usage.input_tokens,
			outputTokens: usage.output_tokens,
			cachedInputTokens: usage.input_token_details?.cache_read,
			cacheWriteTokens: usage.input_token_details?.cache_creation,
		},
		price,
	);
}

/** What a call spent: the model that answered, its attempts and tokens, whether it came from the cache. */
export interface Spent {
	model: string;
	attempts: number;
	usage: UsageMetadata;
	counted: boolean;
	cache: "hit" | "miss";
	savedUsd?: number | undefined;
	balance?: UsageBalance | undefined;
}

/**
 * Records what a call spent and emits its usage event; its cost (0 for a cache hit that paid for nothing:
 * an output guard's repair after a hit is paid for). Also for a call whose answer a guard then blocked:
 * the provider was paid all the same.
 */
export function recordUsage(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
	r: Spent,
): number | undefined {
	const entry = cfg.entries[r.model]!;
	const costUsd =
		r.cache === "hit" && r.usage.total_tokens === 0
			? 0
			: priceCall(cfg, r.model, entry, r.usage);
	const record: CallUsage = {
		model: r.model,
		route: call.decision.rule,
		attempts: r.attempts,
		cache: r.cache,
		inputTokens: r.usage.input_tokens,
		outputTokens: r.usage.output_tokens,
		cachedInputTokens: r.usage.input_token_details?.cache_read ?? 0,
		totalTokens: r.usage.total_tokens,
		costUsd,
		counted: r.counted,
		...(r.savedUsd === undefined ? {} : { savedUsd: r.savedUsd }),
		...(r.balance === undefined ? {} : { balance: r.balance }),
	};
	cfg.usage.record(record);
	emit({ type: "usage", callId: call.callId, ...record });
	return costUsd;
}

/** Records usage, emits the usage event and returns the answer with `response_metadata.weft` and usage_metadata set. */
export function finishCall(
	cfg: ResolvedConfig,
	call: PreparedCall,
	emit: Emit,
	r: Spent & { answer: AIMessage | AIMessageChunk },
): AIMessageChunk {
	const costUsd = recordUsage(cfg, call, emit, r);
	const weft: WeftResponseMetadata = {
		model: r.model,
		costUsd,
		cache: r.cache,
		route: call.decision.rule,
		attempts: r.attempts,
		callId: call.callId,
		counted: r.counted,
		...(r.savedUsd === undefined ? {} : { savedUsd: r.savedUsd }),
		...(r.balance === undefined ? {} : { balance: r.balance }),
	};
	if (r.cache === "miss" && r.model !== call.decision.models[0])
		weft.fallback = true;
	if (call.sideCalls.length > 0) weft.sideCalls = call.sideCalls;
	return withMetadata(r.answer, { weft }, r.usage);
}

/**
 * A model call made for a call (the context summariser's, a guard's classifier) is part of what the call
 * costs: recorded in the router's usage under that model's id (its `model`/`modelName` field, else
 * `fallbackId`), on `route` ("context.summarize", "guard.<name>"), and kept in `into` for the answer's
 * `sideCalls`.
 */
export function recordSideCall(
	cfg: ResolvedConfig,
	model: unknown,
	used: { inputTokens: number; outputTokens: number; counted: boolean },
	{ callId, sideCalls: into }: Pick<PreparedCall, "callId" | "sideCalls">,
	emit: Emit,
	route: string,
	fallbackId: string,
) {
	const id = modelIdOf(model, fallbackId);
	const price = findPrice(id, cfg.prices);
	const record: CallUsage = {
		model: id,
		route,
		attempts: 1,
		cache: "miss",
		inputTokens: used.inputTokens,
		outputTokens: used.outputTokens,
		cachedInputTokens: 0,
		totalTokens: used.inputTokens + used.outputTokens,
		costUsd: price === undefined ? undefined : costOf(used, price),
		counted: used.counted,
	};
	cfg.usage.record(record);
	emit({ type: "usage", callId, ...record });
	into.push(sideCallOf(record));
}

/** A side call's model as usage and events name it: its `model` or `modelName` field, else `fallbackId`. */
export function modelIdOf(model: unknown, fallbackId: string): string {
	const fields = (model ?? {}) as { model?: unknown; modelName?: unknown };
	return typeof fields.model === "string"
		? fields.model
		: typeof fields.modelName === "string"
			? fields.modelName
			: fallbackId;
}

/** What a guard's own model calls are counted with (`GuardContext.countCall`). */
export function sideCalls(
	cfg: ResolvedConfig,
	call: Pick<PreparedCall, "callId" | "sideCalls">,
	emit: Emit,
): NonNullable<GuardContext["countCall"]> {
	return (guard, model, asked, reply) =>
		recordSideCall(
			cfg,
			model,
			replyUsage(asked, reply),
			call,
			emit,
			`guard.${guard}`,
			"classifier",
		);
}

/** A recorded call as an answer's `sideCalls` entry (or a failed call's `spentCalls` entry). */
export function sideCallOf(
	usage: Pick<
		CallUsage,
		"model" | "route" | "inputTokens" | "outputTokens" | "costUsd"
	>,
): SideCall {
	return {
		model: usage.model,
		route: usage.route,
		inputTokens: usage.inputTokens,
		outputTokens: usage.outputTokens,
		costUsd: usage.costUsd,
	};
}
