import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import {
	AIMessage,
	type BaseMessage,
	getBufferString,
	HumanMessage,
	SystemMessage,
	type UsageMetadata,
} from "@langchain/core/messages";
import { keysOf, messageUsage } from "@weft/checkpoint";
import { configInvalid, describe } from "../config-check.ts";
import { ModelError } from "../errors.ts";
import { estimateTokens } from "../usage/token-counter.ts";
import {
	checkMessages,
	checkTrimOptions,
	TRIM_KEYS,
	type TrimOptions,
	type TrimResult,
	trimChecked,
} from "./trim-by-tokens.ts";

/** Anything with a chat model's `invoke` (a BaseChatModel, a ModelRouter, a bound runnable). */
export interface InvokableModel {
	invoke(
		input: BaseLanguageModelInput,
		options?: Record<string, unknown>,
	): Promise<{ content: unknown; usage_metadata?: UsageMetadata | undefined }>;
}

/** Trim options plus the model that writes the summary of what is cut. */
export interface SummarizeOptions extends TrimOptions {
	model: InvokableModel;
	/** Instruction for the summariser. */
	prompt?: string | undefined;
	/** Text before the summary in the message that carries it. */
	prefix?: string | undefined;
	/** Cancels the summariser's call (the router passes its call's signal). */
	signal?: AbortSignal | undefined;
}

/** Trim result plus the summary (undefined when nothing was cut). */
export interface SummarizeResult extends TrimResult {
	summary: string | undefined;
	/**
	 * What the summariser call used (undefined when nothing was cut): the model's usage_metadata, or
	 * counted here (`counted: true`) when it reports none. The router adds it to its usage.
	 */
	summaryUsage?:
		| { inputTokens: number; outputTokens: number; counted: boolean }
		| undefined;
}

const SUMMARIZE_KEYS: ReadonlySet<string> = new Set([
	...TRIM_KEYS,
	...keysOf<Omit<SummarizeOptions, keyof TrimOptions>>({
		model: true,
		prompt: true,
		prefix: true,
		signal: true,
	}),
]);

const DEFAULT_PROMPT =
	"Summarise the conversation below for the assistant that continues it. Keep facts, names, numbers, decisions, open questions and tool results that matter; drop pleasantries. Reply with the summary only.";

/** True for the message that carries a summary made here. */
export function isSummaryMessage(m: BaseMessage): boolean {
	return m.additional_kwargs?.weft_summary === true;
}

/**
 * Trims like `trimByTokens`, then replaces what was cut with one human message holding a summary
 * written by `model` (an earlier summary is folded in). A human message, not a system one, because
 * some providers accept a system message only first.
 */
export async function summarizeMessages(
	messages: BaseMessage[],
	options: SummarizeOptions,
): Promise<SummarizeResult> {
	const model: unknown = options?.model;
	if (
		model === null ||
		typeof model !== "object" ||
		typeof (model as { invoke?: unknown }).invoke !== "function"
	)
		throw configInvalid(
			`summarizeMessages needs a chat model in options.model, got ${describe(model)}`,
			"pass the model that writes the summary, e.g. { maxTokens: 4000, model: cheapModel }",
		);
	checkTrimOptions(options, "summarizeMessages options", SUMMARIZE_KEYS);
	checkMessages(messages, "the messages given to summarizeMessages");
	return summarizeChecked(messages, options);
}

/** `summarizeMessages` without its checks: for the router, whose `context` was checked at construction. */
export async function summarizeChecked(
	messages: BaseMessage[],
	options: SummarizeOptions,
): Promise<SummarizeResult> {
	const trimmed = await trimChecked(messages, options);
	if (trimmed.removed.length === 0) return { ...trimmed, summary: undefined };
	const asked = [
		new SystemMessage(options.prompt ?? DEFAULT_PROMPT),
		new HumanMessage(getBufferString(trimmed.removed)),
	];
	const reply = await options.model.invoke(
		asked,
		options.signal === undefined ? undefined : { signal: options.signal },
	);
	const summary = replyText(reply.content);
	// an empty summary would replace what was cut with nothing: a failed summary (decision 0228)
	if (summary.trim() === "")
		throw new ModelError(
			"MODEL_UNAVAILABLE",
			`the summariser model answered with an empty summary of the ${trimmed.removed.length} message(s) to cut`,
			{
				hint: "check the summariser model and its prompt (summarize.prompt): it must answer with the summary as text; nothing was cut",
			},
		);
	const summaryUsage = replyUsage(asked, reply);
	const carrier = new HumanMessage({
		content: `${options.prefix ?? "Summary of the earlier conversation:\n"}${summary}`,
		additional_kwargs: { weft_summary: true },
	});
	const h = trimmed.messages.findIndex((m) => m.getType() !== "system");
	const at = h < 0 ? trimmed.messages.length : h;
	const out = [
		...trimmed.messages.slice(0, at),
		carrier,
		...trimmed.messages.slice(at),
	];
	const count = options.tokenCounter;
	return {
		...trimmed,
		messages: out,
		summary,
		summaryUsage,
		tokensAfter:
			count === undefined
				? trimmed.tokensAfter + Math.ceil(carrier.content.length / 4) + 4
				: await count(out),
	};
}

/** A reply's text: a string as it is, content blocks' text parts joined (not their JSON). */
function replyText(content: unknown): string {
	if (typeof content === "string") return content;
	if (Array.isArray(content))
		return content
			.map((p: unknown) =>
				typeof p === "string"
					? p
					: (p as { type?: unknown })?.type === "text"
						? String((p as { text?: unknown }).text ?? "")
						: "",
			)
			.join("");
	return JSON.stringify(content) ?? "";
}

/** The tokens of a model's reply to `asked`: as the provider reported them, else estimated (`counted`). */
export function replyUsage(
	asked: BaseMessage[],
	reply: { content: unknown; usage_metadata?: UsageMetadata | undefined },
): { inputTokens: number; outputTokens: number; counted: boolean } {
	const u = messageUsage(reply);
	if (u !== undefined)
		return {
			inputTokens: u.input_tokens,
			outputTokens: u.output_tokens,
			counted: false,
		};
	const text = replyText(reply.content);
	return {
		inputTokens: estimateTokens(asked),
		outputTokens: estimateTokens([new AIMessage(text)]),
		counted: true,
	};
}
