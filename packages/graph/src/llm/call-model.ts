import {
	AIMessage,
	type AIMessageChunk,
	type BaseMessage,
	type UsageMetadata,
} from "@langchain/core/messages";
import type { NodeContext } from "../index.ts";

/**
 * What Weft needs of a chat model: `invoke`, and `stream`/`bindTools` when it has them. Any
 * `@langchain/core` chat model, a model with bound tools, or a `@weft/models` wrapper fits.
 */
export interface ChatModelLike {
	invoke(
		input: BaseMessage[],
		options?: { signal?: AbortSignal },
	): Promise<BaseMessage>;
	stream?(
		input: BaseMessage[],
		options?: { signal?: AbortSignal },
	): Promise<AsyncIterable<BaseMessage>>;
	bindTools?(tools: any[], kwargs?: any): ChatModelLike;
	withStructuredOutput?(
		schema: any,
		config?: any,
	): {
		invoke(
			input: BaseMessage[],
			options?: { signal?: AbortSignal },
		): Promise<unknown>;
	};
}

/** What `@weft/models` puts in `response_metadata.weft`. */
export interface WeftModelMetadata {
	model?: string | undefined;
	costUsd?: number | undefined;
	cache?: "hit" | "miss" | undefined;
	route?: unknown;
	attempts?: unknown;
}

/** The `custom` stream event sent for each model call answered through `@weft/models`. */
export type ModelEvent = { kind: "model" } & WeftModelMetadata;

// @langchain/core 1.4 types usage_metadata as `undefined` under exactOptionalPropertyTypes.
const usageOf = (m: BaseMessage): UsageMetadata | undefined =>
	(m as unknown as { usage_metadata?: UsageMetadata }).usage_metadata;
type AIFields = ConstructorParameters<typeof AIMessage>[0] & object;

/**
 * Calls the model once per node task (`ctx.once(key)`): streams tokens as `message` events when the model
 * streams, returns the whole answer as an AIMessage, and adds its usage to the run.
 */
export function callModel(
	ctx: NodeContext,
	model: ChatModelLike,
	input: BaseMessage[],
	options: { key?: string; stream?: boolean; name?: string | undefined } = {},
): Promise<AIMessage> {
	return ctx.once(options.key ?? "model", async () => {
		const message = toAIMessage(
			await generate(ctx, model, input, options.stream ?? true),
			options.name,
		);
		report(ctx, model, message);
		return message;
	});
}

async function generate(
	ctx: NodeContext,
	model: ChatModelLike,
	input: BaseMessage[],
	stream: boolean,
): Promise<BaseMessage> {
	const config = { signal: ctx.signal };
	if (!stream || !ctx.streamingMessages || typeof model.stream !== "function")
		return model.invoke(input, config);
	let full: AIMessageChunk | undefined;
	for await (const chunk of await model.stream(input, config)) {
		ctx.emitMessage(chunk);
		const c = chunk as AIMessageChunk;
		full = full === undefined ? c : full.concat(c);
	}
	if (full === undefined) return model.invoke(input, config);
	return full;
}

/**
 * A chunk (or any AI message) as a plain AIMessage, the form kept in state. A new `name` goes through
 * the constructor: a field set afterwards would be lost when the message is serialized.
 */
export function toAIMessage(message: BaseMessage, name?: string): AIMessage {
	const m = message as AIMessage;
	if (m.constructor === AIMessage && (name === undefined || name === m.name))
		return m;
	return new AIMessage(<AIFields>{
		content: m.content,
		...(m.id === undefined ? {} : { id: m.id }),
		...((name ?? m.name) === undefined ? {} : { name: name ?? m.name }),
		tool_calls: m.tool_calls ?? [],
		invalid_tool_calls: m.invalid_tool_calls ?? [],
		additional_kwargs: m.additional_kwargs,
		response_metadata: m.response_metadata,
		...(usageOf(m) === undefined ? {} : { usage_metadata: usageOf(m) }),
	});
}

/** Adds an AI message's usage to the run (and sends a `model` event for `@weft/models` metadata). */
export function report(
	ctx: NodeContext,
	model: ChatModelLike,
	message: AIMessage,
): void {
	const meta = (message.response_metadata ?? {}) as Record<string, unknown>;
	const weft = meta.weft as WeftModelMetadata | undefined;
	const usage = usageOf(message);
	const name =
		weft?.model ??
		str(meta.model_name) ??
		str(meta.model) ??
		modelNameOf(model);
	if (weft !== undefined) ctx.emit({ kind: "model", ...weft } as ModelEvent);
	ctx.reportUsage({
		model: name,
		inputTokens: usage?.input_tokens ?? 0,
		outputTokens: usage?.output_tokens ?? 0,
		cachedTokens: usage?.input_token_details?.cache_read ?? 0,
		...(weft?.costUsd === undefined ? {} : { costUsd: weft.costUsd }),
	});
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** A model's name: its `model`/`modelName` field, through bindings, else its type. */
export function modelNameOf(model: unknown): string | undefined {
	for (let m = model as Record<string, unknown> | undefined; m; ) {
		const name = str(m.model) ?? str(m.modelName);
		if (name !== undefined) return name;
		if (typeof m.bound !== "object" || m.bound === null)
			return typeof m._llmType === "function" ? str(m._llmType()) : undefined;
		m = m.bound as Record<string, unknown>;
	}
	return undefined;
}
