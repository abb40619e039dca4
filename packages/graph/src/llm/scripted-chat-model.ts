import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import {
	BaseChatModel,
	type BaseChatModelParams,
	type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { ConfigError, WeftError } from "../index.ts";
import { sleep } from "../runtime/sleep.ts";
import { shown } from "../shown.ts";
import {
	failureError,
	isFailure,
	replyProblem,
	type ScriptedCall,
	type ScriptedFailure,
	type ScriptedMessage,
	type ScriptedReply,
	toChunks,
	toMessage,
} from "./scripted-reply.ts";

// models in one conversation must not answer with the same message or tool call ids: not in one process
// (the count) nor across processes, where a thread paused in one is answered in another (the tag)
let instances = 0;
const processTag = Math.random().toString(36).slice(2, 8).padEnd(6, "0");

/** Options of a `ScriptedChatModel`. */
export interface ScriptedChatModelOptions extends BaseChatModelParams {
	/** The answers, in order: one per call. */
	replies?: readonly ScriptedReply[] | undefined;
	/** Reported as the model name (default "scripted"). */
	model?: string | undefined;
	/**
	 * Ids of answers are `<idPrefix>-<n>` (default: unique per model instance and process, e.g.
	 * `scripted1_k3x9q2`; give one for ids a test can name).
	 */
	idPrefix?: string | undefined;
	/** After the last reply, keep answering with it instead of failing (default false). */
	repeatLast?: boolean | undefined;
}

/**
 * A `@langchain/core` chat model whose answers are scripted, for tests and offline examples: text, tool
 * calls, token chunks when streamed, usage metadata, and injected failures (429 with Retry-After, 500, a
 * hang until aborted, malformed tool arguments). Every call is recorded in `calls`. Bound copies
 * (`bindTools`, `withConfig`) share the script and the record.
 * @example
 * const model = new ScriptedChatModel({ replies: [
 *   { toolCalls: [{ name: "search", args: { q: "weft" } }] },
 *   { fail: "rate-limit", retryAfterSeconds: 2 },
 *   "Weft is a graph runtime.",
 * ] });
 */
export class ScriptedChatModel extends BaseChatModel {
	readonly model: string;
	/** Every call received so far, in order. */
	readonly calls: ScriptedCall[] = [];
	readonly #replies: ScriptedReply[];
	readonly #repeatLast: boolean;
	readonly #idPrefix: string;

	constructor(
		options: ScriptedChatModelOptions | readonly ScriptedReply[] = {},
	) {
		const o: ScriptedChatModelOptions = isReplyList(options)
			? { replies: options }
			: options;
		const {
			replies = [],
			model = "scripted",
			repeatLast = false,
			idPrefix = `scripted${++instances}_${processTag}`,
			...base
		} = o;
		super(base);
		this.model = model;
		this.#replies = checkedReplies(replies, 0);
		this.#repeatLast = repeatLast;
		this.#idPrefix = idPrefix;
	}

	static override lc_name(): string {
		return "ScriptedChatModel";
	}

	override _llmType(): string {
		return "scripted";
	}

	/** Adds answers at the end of the script. */
	script(...replies: ScriptedReply[]): this {
		this.#replies.push(...checkedReplies(replies, this.#replies.length));
		return this;
	}

	/** Answers not used yet. */
	get remaining(): number {
		return Math.max(0, this.#replies.length - this.calls.length);
	}

	override bindTools(
		tools: BindToolsInput[],
		kwargs?: Partial<this["ParsedCallOptions"]>,
	): Runnable<BaseLanguageModelInput, AIMessageChunk> {
		return this.withConfig({ ...kwargs, tools } as never);
	}

	override async _generate(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
	): Promise<ChatResult> {
		const { call, reply } = await this.#next(messages, options, false);
		const message = toMessage(reply, call, this.model);
		return { generations: [{ text: reply.content ?? "", message }] };
	}

	override async *_streamResponseChunks(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
		runManager?: CallbackManagerForLLMRun,
	): AsyncGenerator<ChatGenerationChunk> {
		const { call, reply } = await this.#next(messages, options, true);
		for (const message of toChunks(reply, call, this.model)) {
			options.signal?.throwIfAborted();
			const text = typeof message.content === "string" ? message.content : "";
			yield new ChatGenerationChunk({ text, message });
			if (text !== "") await runManager?.handleLLMNewToken(text);
		}
	}

	async #next(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
		streamed: boolean,
	): Promise<{ call: ScriptedCall; reply: ScriptedMessage }> {
		const index = this.calls.length;
		const bag = options as Record<string, unknown>;
		const call: ScriptedCall = {
			index,
			id: `${this.#idPrefix}-${index}`,
			messages: [...messages],
			tools: toolNames(bag.tools),
			streamed,
			options: bag,
		};
		this.calls.push(call);
		let step =
			this.#replies[index] ??
			(this.#repeatLast ? this.#replies.at(-1) : undefined);
		if (step === undefined) {
			throw new WeftError(
				"CONFIG_INVALID",
				`ScriptedChatModel got call ${index + 1} but has ${this.#replies.length} replies`,
				{ hint: "add replies with script(...) or pass repeatLast: true" },
			);
		}
		while (typeof step === "function") step = await step(call);
		const problem = replyProblem(step);
		if (problem !== undefined)
			throw new WeftError(
				"CONFIG_INVALID",
				`ScriptedChatModel's reply ${index + 1} (given by its function): ${problem}`,
				{
					hint: "return text, { content, toolCalls? } or { fail: … } from the function",
				},
			);
		const reply: ScriptedMessage | ScriptedFailure =
			typeof step === "string" ? { content: step } : step;
		const signal = options.signal;
		if (isFailure(reply)) {
			const error = failureError(reply);
			if (error !== undefined) throw error;
			await sleep(undefined, signal);
			throw new Error("unreachable: a hang ends only by abort");
		}
		if (reply.delayMs !== undefined) await sleep(reply.delayMs, signal);
		signal?.throwIfAborted();
		return { call, reply };
	}
}

/** The replies, each checked where it is given (`from`: how many came before). */
function checkedReplies(
	replies: readonly ScriptedReply[],
	from: number,
): ScriptedReply[] {
	if (!Array.isArray(replies))
		throw new ConfigError(
			"CONFIG_INVALID",
			`ScriptedChatModel: replies must be an array, not ${shown(replies)}`,
			{
				hint: 'pass e.g. replies: ["hello", { toolCalls: [{ name: "search" }] }]',
			},
		);
	replies.forEach((reply, i) => {
		const problem = replyProblem(reply);
		if (problem !== undefined)
			throw new ConfigError(
				"CONFIG_INVALID",
				`ScriptedChatModel's reply ${from + i + 1}: ${problem}`,
				{
					hint: 'a reply is text, { content, toolCalls? }, { fail: "rate-limit" | "server" | "bad-request" | "hang" } or a function of the call',
				},
			);
	});
	return [...replies];
}

function isReplyList(
	o: ScriptedChatModelOptions | readonly ScriptedReply[],
): o is readonly ScriptedReply[] {
	return Array.isArray(o);
}

function toolNames(tools: unknown): string[] {
	if (!Array.isArray(tools)) return [];
	return tools.map((t: { name?: unknown; function?: { name?: unknown } }) =>
		String(t?.name ?? t?.function?.name ?? "?"),
	);
}
