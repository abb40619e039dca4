import {
	AIMessage,
	type AIMessageChunk,
	type BaseMessage,
} from "@langchain/core/messages";
import {
	type CallOptions,
	type ModelCallRecord,
	type NodeContext,
	telemetrySettings,
	type UsageReport,
} from "../index.ts";
import {
	callConfig,
	modelAnswer,
	type Report,
} from "../runtime/task-context.ts";
import {
	type AnswerInfo,
	answerInfo,
	sideCallSpend,
	usageOf,
	type WeftModelMetadata,
} from "./model-answer.ts";
import { observeModelCall } from "./model-call-telemetry.ts";
import { modelParamsOf } from "./model-params.ts";
import { refuseUnpairedMessages } from "./unpaired-messages.ts";

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
 * Calls the model once per node task (its answer saved as `ctx.once(key)` saves a result, without the start
 * record: decision 0042; forgotten if the task fails: decision 0205): streams tokens as `message` events
 * when the model streams, returns the whole answer as an AIMessage, and adds its usage to the run.
 */
export function callModel(
	ctx: NodeContext,
	model: ChatModelLike,
	messages: BaseMessage[],
	options: { key?: string; stream?: boolean; name?: string | undefined } = {},
): Promise<AIMessage> {
	return modelAnswer(ctx, options.key ?? "model", async (spend) => {
		// a 400 from the provider would name neither the thread nor the message (decision 0244); answered
		// invalid tool calls are sent as calls (0255)
		const input = refuseUnpairedMessages(messages, ctx.node);
		const { message, info, durationMs } = await observeModelCall(
			ctx,
			model,
			input,
			// a promise chain, not an async function: one frame less per call (perf, issue 17)
			() =>
				generate(ctx, model, input, options.stream ?? true).then(
					(m) => toAIMessage(m, options.name, callId),
					(error: unknown) => reportSpent(ctx, error),
				),
		);
		reportInfo(
			ctx,
			spend,
			info,
			durationMs,
			callRecord(ctx, info, durationMs, input, message),
		);
		return message;
	});
}

/** The model's answer: invoked, or streamed when someone consumes message events (no async frame to invoke). */
function generate(
	ctx: NodeContext,
	model: ChatModelLike,
	input: BaseMessage[],
	stream: boolean,
): Promise<BaseMessage> {
	const config: ModelCallOptions = callConfig(ctx);
	if (!stream || !ctx.streamingMessages || typeof model.stream !== "function")
		return Promise.resolve(model.invoke(input, config));
	return streamed(ctx, model, input, config);
}

/** The id of a model call's answer when the provider gives none: `run-<uuid>`, as LangGraph's. */
const callId = () =>
	`run-${process.getBuiltinModule("node:crypto").randomUUID()}`;

/** Whether a message carries an id of its own (providers send `""` for none, too). */
const hasOwnId = (m: { id?: string | undefined | null }): boolean =>
	m.id != null && m.id !== "";

/** Sets a chunk's `id` unless it has one; as `@langchain/core`'s `_updateId`, its serialized kwargs too. */
function withId<TMessage extends BaseMessage>(
	m: TMessage,
	id: string,
): TMessage {
	if (hasOwnId(m)) return m;
	m.id = id;
	if (m.lc_kwargs !== undefined)
		(m.lc_kwargs as Record<string, unknown>).id = id;
	return m;
}

async function streamed(
	ctx: NodeContext,
	model: ChatModelLike,
	input: BaseMessage[],
	config: ModelCallOptions,
): Promise<BaseMessage> {
	let full: AIMessageChunk | undefined;
	// one id for every chunk of the call and its answer (clients group tokens by it): the provider's
	// first one, else run-<uuid>
	let id: string | undefined;
	// sent beside each chunk, as LangGraph's messages stream does: the model's ls_* params
	const params = modelParamsOf(model, config);
	for await (const chunk of await model.stream!(input, config)) {
		id ??= hasOwnId(chunk) ? chunk.id! : callId();
		ctx.emitMessage(withId(chunk, id), params);
		const c = chunk as AIMessageChunk;
		full = full === undefined ? c : full.concat(c);
	}
	if (full === undefined) return model.invoke(input, config);
	// a new object (concat): the answer takes the chunks' id
	return withId(full, id ?? callId());
}

/**
 * A chunk (or any AI message) as a plain AIMessage, the form kept in state. A new `name` (or an id from
 * `newId` when it has none) goes through the constructor: a field set afterwards would be lost when the
 * message is serialized, and the model's own object (maybe a cached one) is not changed.
 */
export function toAIMessage(
	message: BaseMessage,
	name?: string,
	newId?: () => string,
): AIMessage {
	const m = message as AIMessage;
	const hasId = hasOwnId(m);
	const plain =
		m.constructor === AIMessage &&
		(name === undefined || name === m.name) &&
		(hasId || newId === undefined);
	const noCalls =
		(m.tool_calls?.length ?? 0) + (m.invalid_tool_calls?.length ?? 0) === 0;
	if (plain && noCalls) return m;
	const id = hasId ? m.id : plain ? undefined : newId?.();
	const calls = noCalls ? undefined : ownCallIds(m, id ?? "ai");
	if (plain && calls === undefined) return m;
	return new AIMessage(<AIFields>{
		content: m.content,
		...(id === undefined ? {} : { id }),
		...((name ?? m.name) === undefined ? {} : { name: name ?? m.name }),
		tool_calls: calls?.valid ?? m.tool_calls ?? [],
		invalid_tool_calls: calls?.invalid ?? m.invalid_tool_calls ?? [],
		additional_kwargs: calls?.raw ?? m.additional_kwargs,
		response_metadata: m.response_metadata,
		...(usageOf(m) === undefined ? {} : { usage_metadata: usageOf(m) }),
	});
}

/** Whether a tool call of the answer has no id, or one an earlier call has (no copy made: perf, issue 17). */
function needsCallIds(m: AIMessage): boolean {
	const valid = m.tool_calls ?? [];
	const invalid = m.invalid_tool_calls ?? [];
	const none = (id: string | undefined) => id == null || id === "";
	if (valid.length + invalid.length === 1)
		return none((valid[0] ?? invalid[0])!.id);
	const seen = new Set<string>();
	for (const list of [valid, invalid])
		for (const c of list) {
			if (none(c.id) || seen.has(c.id!)) return true;
			seen.add(c.id!);
		}
	return false;
}

/**
 * The answer's tool calls, each with an id of its own (decision 0207), or undefined when they have them
 * already: a call without one gets `<message id>:<n>` (the id the tool node would answer it under), one
 * whose id an earlier call has (some OpenAI-compatible servers number calls per answer) gets `<id>:2`, ….
 * The provider's own copy of the calls (`additional_kwargs.tool_calls`, OpenAI's form, in the same order)
 * takes the same ids. Each call then runs, and its ToolMessage answers it.
 */
function ownCallIds(
	m: AIMessage,
	messageId: string,
):
	| {
			valid: NonNullable<AIMessage["tool_calls"]>;
			invalid: NonNullable<AIMessage["invalid_tool_calls"]>;
			raw: AIMessage["additional_kwargs"] | undefined;
	  }
	| undefined {
	if (!needsCallIds(m)) return undefined;
	const seen = new Set<string>();
	const own = (id: string | undefined, fallback: string): string => {
		const base = id == null || id === "" ? fallback : id;
		let out = base;
		for (let k = 2; seen.has(out); k++) out = `${base}:${k}`;
		seen.add(out);
		return out;
	};
	const valid = (m.tool_calls ?? []).map((c, n) => ({
		...c,
		id: own(c.id, `${messageId}:${n}`),
	}));
	const invalid = (m.invalid_tool_calls ?? []).map((c, n) => ({
		...c,
		id: own(c.id, `${messageId}:invalid:${n}`),
	}));
	const copy = m.additional_kwargs?.tool_calls;
	const raw =
		Array.isArray(copy) && copy.length === valid.length
			? {
					...m.additional_kwargs,
					tool_calls: copy.map((c, n) => ({ ...c, id: valid[n]!.id! })),
				}
			: undefined;
	return { valid, invalid, raw };
}

/**
 * Adds an AI message's usage to the run (and sends a `model` event for `@weft/models` metadata); `spend`:
 * the `modelAnswer`'s report the answer is saved with.
 */
export function report(
	ctx: NodeContext,
	spend: Report,
	model: ChatModelLike,
	message: AIMessage,
): void {
	reportInfo(ctx, spend, answerInfo(model, message), undefined, undefined);
}

function reportInfo(
	ctx: NodeContext,
	spend: Report,
	info: AnswerInfo,
	durationMs: number | undefined,
	call: ModelCallRecord | undefined,
): void {
	if (info.weft !== undefined)
		ctx.emit({ kind: "model", ...info.weft } as ModelEvent);
	// fields set one by one: three conditional spreads made three objects per call
	const usage: UsageReport = {
		model: info.model,
		inputTokens: info.inputTokens,
		outputTokens: info.outputTokens,
		cachedTokens: info.cachedTokens,
	};
	if (info.costUsd !== undefined) usage.costUsd = info.costUsd;
	if (durationMs !== undefined) usage.durationMs = durationMs;
	if (call !== undefined) usage.call = call;
	spend(usage);
	if (Array.isArray(info.weft?.sideCalls))
		for (const side of info.weft.sideCalls) reportSideCall(spend, side);
}

/**
 * What a failed call paid for before it failed (`@weft/models` keeps it on the error as `spentCalls`: an
 * answer an output guard blocked, the summariser's call before the model failed) goes into the run's
 * usage, then the error goes on.
 */
export function reportSpent(ctx: NodeContext, error: unknown): never {
	const spent = (error as { spentCalls?: unknown } | null)?.spentCalls;
	if (Array.isArray(spent))
		for (const call of spent) reportSideCall((u) => ctx.reportUsage(u), call);
	throw error;
}

/** A model call made for the answer (`@weft/models`' summariser, a guard's classifier): its own usage. */
function reportSideCall(spend: Report, side: unknown): void {
	const spent = sideCallSpend(side);
	if (spent !== undefined) spend({ ...spent, cachedTokens: 0 });
}

/** The call as the step records it; prompt and answer only with content recording on (decision 0026). */
function callRecord(
	ctx: NodeContext,
	info: AnswerInfo,
	durationMs: number,
	input: BaseMessage[],
	message: AIMessage,
): ModelCallRecord {
	const record: ModelCallRecord = {
		node: ctx.node,
		model: info.model ?? "model",
		durationMs: Math.round(durationMs * 10) / 10,
		inputTokens: info.inputTokens,
		outputTokens: info.outputTokens,
		cachedTokens: info.cachedTokens,
		cacheHit: info.weft?.cache === "hit",
		fallback: info.weft?.fallback != null && info.weft.fallback !== false,
	};
	if (info.costUsd !== undefined) record.costUsd = info.costUsd;
	if (info.finishReason !== undefined) record.finishReason = info.finishReason;
	if (telemetrySettings().recordContent) {
		record.prompt = input.map(messageRecord);
		record.response = messageRecord(message);
	}
	return record;
}

function messageRecord(m: BaseMessage): Record<string, unknown> {
	const out: Record<string, unknown> = {
		type: m.getType(),
		content: m.content,
	};
	if (m.id !== undefined) out.id = m.id;
	if (m.name !== undefined) out.name = m.name;
	const calls = (m as AIMessage).tool_calls;
	if (calls !== undefined && calls.length > 0) out.tool_calls = calls;
	const toolCallId = (m as { tool_call_id?: string }).tool_call_id;
	if (toolCallId !== undefined) out.tool_call_id = toolCallId;
	return out;
}
