import type { BaseMessage, UsageMetadata } from "@langchain/core/messages";
import { messageUsage, providerOf } from "@weft/checkpoint";

/** What `@weft/models` puts in `response_metadata.weft`. */
export interface WeftModelMetadata {
	model?: string | undefined;
	costUsd?: number | undefined;
	cache?: "hit" | "miss" | undefined;
	route?: unknown;
	attempts?: unknown;
	/** The route's first model failed and a later one answered. */
	fallback?: unknown;
	/** Model calls made for this one that its usage does not cover (a summariser's, a guard's classifier). */
	sideCalls?: unknown;
}

/** What a model's answer says about the call: the model that answered, tokens, cost, routing. */
export interface AnswerInfo {
	model: string | undefined;
	inputTokens: number;
	outputTokens: number;
	cachedTokens: number;
	costUsd: number | undefined;
	weft: WeftModelMetadata | undefined;
	responseId: string | undefined;
	/** Why the model stopped, as the provider said it (`end_turn`, `tool_calls`, `MAX_TOKENS`, …). */
	finishReason: string | undefined;
}

/**
 * An answer's token usage, read by `@weft/checkpoint`'s `messageUsage` (as `@weft/models` reads it):
 * `usage_metadata`, else an older model's `response_metadata.tokenUsage` or `usage`; whole numbers ≥ 0
 * that add up, or undefined when the provider reported none or none that reads.
 */
export const usageOf = (m: BaseMessage): UsageMetadata | undefined =>
	messageUsage(m) as UsageMetadata | undefined;

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * `response_metadata.weft`: `@weft/models` writes it, but any model can put a block there; read as the
 * router's own only where it is an object, and its figures only where they are ones (a NaN or a string
 * cost reached the run's totals for good).
 */
const weftBlock = (v: unknown): WeftModelMetadata | undefined =>
	typeof v === "object" && v !== null && !Array.isArray(v)
		? (v as WeftModelMetadata)
		: undefined;

const costOf = (v: unknown): number | undefined =>
	typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;

/** Reads an answer's metadata (provider fields and `@weft/models`' `weft` block). */
export function answerInfo(model: unknown, message: BaseMessage): AnswerInfo {
	const meta = (message.response_metadata ?? {}) as Record<string, unknown>;
	const weft = weftBlock(meta.weft);
	const usage = usageOf(message);
	return {
		model:
			str(weft?.model) ??
			str(meta.model_name) ??
			str(meta.model) ??
			modelNameOf(model),
		inputTokens: usage?.input_tokens ?? 0,
		outputTokens: usage?.output_tokens ?? 0,
		cachedTokens: usage?.input_token_details?.cache_read ?? 0,
		costUsd: costOf(weft?.costUsd),
		weft,
		responseId: str(message.id),
		// OpenAI and most: finish_reason; Anthropic: stop_reason; Bedrock: stopReason; Google: finishReason;
		// Ollama: done_reason
		finishReason:
			str(meta.finish_reason) ??
			str(meta.stop_reason) ??
			str(meta.stopReason) ??
			str(meta.finishReason) ??
			str(meta.done_reason),
	};
}

/** A model's name: its `model`/`modelName` field, through bindings, else its type. */
export function modelNameOf(model: unknown): string | undefined {
	for (let m = model as Record<string, unknown> | undefined; m; ) {
		const name = str(m.model) ?? str(m.modelName);
		if (name !== undefined) return name;
		if (typeof m.bound !== "object" || m.bound === null) return providerOf(m);
		m = m.bound as Record<string, unknown>;
	}
	return undefined;
}

/** What a router's side call (its summariser's, a guard classifier's) spent, as a run's usage takes it. */
export interface SideCallSpend {
	model: string | undefined;
	inputTokens: number;
	outputTokens: number;
	costUsd: number | undefined;
}

/**
 * A side call's record (`response_metadata.weft.sideCalls` of an answer, `spentCalls` of an error) read as
 * `ctx.reportUsage` takes figures (decision 0232): whole token counts, a finite cost ≥ 0; undefined for a
 * record that is no object.
 */
export function sideCallSpend(side: unknown): SideCallSpend | undefined {
	if (typeof side !== "object" || side === null) return undefined;
	const { model, inputTokens, outputTokens, costUsd } = side as Record<
		string,
		unknown
	>;
	return {
		model: typeof model === "string" ? model : undefined,
		inputTokens: tokenCount(inputTokens),
		outputTokens: tokenCount(outputTokens),
		costUsd:
			typeof costUsd === "number" && Number.isFinite(costUsd) && costUsd >= 0
				? costUsd
				: undefined,
	};
}

const tokenCount = (n: unknown): number =>
	typeof n === "number" && Number.isFinite(n) && n >= 0
		? Math.min(Math.round(n), Number.MAX_SAFE_INTEGER)
		: 0;
