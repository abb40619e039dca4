import {
	AIMessage,
	type AIMessageChunk,
	type BaseMessage,
} from "@langchain/core/messages";
import type { CallOptions, NodeContext } from "../index.ts";
import {
	type AnswerInfo,
	answerInfo,
	usageOf,
	type WeftModelMetadata,
} from "./model-answer.ts";
import { observeModelCall } from "./model-call-telemetry.ts";

export type { WeftModelMetadata } from "./model-answer.ts";
export { modelNameOf } from "./model-answer.ts";

/** Options Weft passes to a model call: the abort signal and the run's callbacks, tags and metadata. */
export type ModelCallOptions = { signal?: AbortSignal } & CallOptions;

/**
 * What Weft needs of a chat model: `invoke`, and `stream`/`bindTools` when it has them. Any
 * `@langchain/core` chat model, a model with bound tools, or a `@weft/models` wrapper fits.
 */
export interface ChatModelLike {
	invoke(
		input: BaseMessage[],
		options?: ModelCallOptions,
	): Promise<BaseMessage>;
	stream?(
		input: BaseMessage[],
		options?: ModelCallOptions,
	): Promise<AsyncIterable<BaseMessage>>;
	bindTools?(tools: any[], kwargs?: any): ChatModelLike;
	withStructuredOutput?(
		schema: any,
		config?: any,
	): {
		invoke(input: BaseMessage[], options?: ModelCallOptions): Promise<unknown>;
	};
}

/** The `custom` stream event sent for each model call answered through `@weft/models`. */
export type ModelEvent = { kind: "model" } & WeftModelMetadata;

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
		const { message, info, durationMs } = await observeModelCall(
			ctx,
			model,
			input,
			async () =>
				toAIMessage(
					await generate(ctx, model, input, options.stream ?? true),
					options.name,
				),
		);
		reportInfo(ctx, info, durationMs);
		return message;
	});
}

async function generate(
	ctx: NodeContext,
	model: ChatModelLike,
	input: BaseMessage[],
	stream: boolean,
): Promise<BaseMessage> {
	const config: ModelCallOptions = { ...ctx.callOptions, signal: ctx.signal };
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
	reportInfo(ctx, answerInfo(model, message), undefined);
}

function reportInfo(
	ctx: NodeContext,
	info: AnswerInfo,
	durationMs: number | undefined,
): void {
	if (info.weft !== undefined)
		ctx.emit({ kind: "model", ...info.weft } as ModelEvent);
	ctx.reportUsage({
		model: info.model,
		inputTokens: info.inputTokens,
		outputTokens: info.outputTokens,
		cachedTokens: info.cachedTokens,
		...(info.costUsd === undefined ? {} : { costUsd: info.costUsd }),
		...(durationMs === undefined ? {} : { durationMs }),
	});
}
