import {
	type AIMessage,
	type BaseMessage,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import type { BasePromptValueInterface } from "@langchain/core/prompt_values";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { ConfigError, type NodeContext } from "../index.ts";
import { shown } from "../shown.ts";
import { type ChatModelLike, callModel } from "./call-model.ts";
import { checkSystem, checkTools, invalidOption } from "./check-options.ts";

/** State with a conversation: what an `llmNode` reads by default. */
export interface MessagesState {
	messages: BaseMessage[];
}

/**
 * A `@langchain/core` prompt template (anything with `invoke(values)` returning a prompt value). It is
 * given the node's call options (`ctx.callOptions`: the run's callbacks, tags and metadata), as the
 * model is, so a tracer sees it inside the node's run rather than as a run of its own.
 */
export interface PromptTemplateLike {
	invoke(
		values: any,
		options?: NodeContext["callOptions"],
	): Promise<BasePromptValueInterface>;
}

/** What the model is asked: a prompt template, or a function of the state giving text or messages. */
export type LlmPrompt<TState> =
	| PromptTemplateLike
	| ((
			state: TState,
	  ) =>
			| string
			| readonly BaseMessage[]
			| Promise<string | readonly BaseMessage[]>);

export interface LlmNodeOptions<TState> {
	/** Any `@langchain/core` chat model, or a `@weft/models` wrapper. */
	model: ChatModelLike;
	/** Tools bound to the model (it then may answer with tool calls). */
	tools?: readonly StructuredToolInterface[] | undefined;
	/** A system message put first. */
	system?: string | ((state: TState) => string) | undefined;
	/** What to send instead of the state's messages. */
	prompt?: LlmPrompt<TState> | undefined;
	/**
	 * Stream tokens as `message` events (default true): the model is streamed when it can stream and the
	 * caller consumes message events (`ctx.streamingMessages`), and invoked otherwise.
	 */
	stream?: boolean | undefined;
	/** Set as the AI message's `name` (who spoke, in multi-agent histories). */
	name?: string | undefined;
}

const LLM_NODE_OPTION_KEYS = keysOf<LlmNodeOptions<unknown>>({
	model: true,
	tools: true,
	system: true,
	prompt: true,
	stream: true,
	name: true,
});

/**
 * A node that calls a chat model on the state's messages (or a prompt) and appends its answer to
 * `messages`. Tokens stream as `message` events, usage is added to the run, and the call is made once per
 * node task: a node that runs again after an interrupt or a crash gets the saved answer.
 * @example
 * graph.addNode("agent", llmNode({ model, tools, system: "You are terse." }))
 */
export function llmNode<TState extends object = MessagesState>(
	options: LlmNodeOptions<TState>,
): (state: TState, ctx: NodeContext) => Promise<{ messages: AIMessage[] }> {
	refuseUnknownKeys(options, LLM_NODE_OPTION_KEYS, "llmNode");
	checkSystem("llmNode", options.system);
	checkPrompt("llmNode", options.prompt);
	checkFlagAndName("llmNode", options);
	const model = bound(options.model, checkTools("llmNode", options.tools));
	return async (state, ctx) => {
		// without a prompt the input is made at once: no promise to wait for (perf, issue 17)
		const input =
			options.prompt === undefined
				? stateInput(state, systemOf(state, options))
				: await modelInput(state, options, ctx, "llmNode");
		const answer = await callModel(ctx, model, input, {
			stream: options.stream ?? true,
			name: options.name,
		});
		return { messages: [answer] };
	};
}

/** The model with the tools bound (the model itself when there are none). */
export function bound(
	model: ChatModelLike,
	tools: readonly StructuredToolInterface[] | undefined,
): ChatModelLike {
	if (
		typeof model !== "object" ||
		model === null ||
		typeof (model as { invoke?: unknown }).invoke !== "function"
	)
		throw new ConfigError(
			"CONFIG_INVALID",
			`model must be a chat model, not ${model === null ? "null" : typeof model}`,
			{
				hint: "pass a @langchain/core chat model (e.g. new ChatOpenAI({ model })) or a @weft/models router",
			},
		);
	if (tools === undefined || tools.length === 0) return model;
	if (typeof model.bindTools !== "function") {
		throw new ConfigError(
			"CONFIG_INVALID",
			`the model ${model.constructor?.name ?? ""} cannot take tools: it has no bindTools()`,
			{
				hint: "use a chat model that supports tool calling, or bind the tools yourself",
			},
		);
	}
	return model.bindTools([...tools]);
}

/** `stream` (true or false) and `name` (text), when given: `stream: "no"` streamed, `name: 5` went into the message. */
export function checkFlagAndName(
	where: string,
	options: { stream?: unknown; name?: unknown },
): void {
	if (options.stream !== undefined && typeof options.stream !== "boolean")
		throw invalidOption(
			where,
			`stream must be true or false, not ${shown(options.stream)}`,
			"pass stream: false to invoke the model instead of streaming it, or leave it out (true)",
		);
	if (
		options.name !== undefined &&
		(typeof options.name !== "string" || options.name === "")
	)
		throw invalidOption(
			where,
			`name must be a non-empty string, not ${shown(options.name)}`,
			'name who speaks, e.g. name: "researcher", or leave it out',
		);
}

/** A prompt, when given: a template (with `invoke`) or a function of the state. */
export function checkPrompt(where: string, prompt: unknown): void {
	if (
		prompt === undefined ||
		typeof prompt === "function" ||
		(typeof prompt === "object" &&
			prompt !== null &&
			typeof (prompt as { invoke?: unknown }).invoke === "function")
	)
		return;
	throw invalidOption(
		where,
		`prompt must be a prompt template or a function of the state, not ${shown(prompt)}`,
		"pass e.g. prompt: (state) => state.question, or a ChatPromptTemplate",
	);
}

/**
 * The messages sent to the model: the system message, then the prompt or the state's messages. A prompt
 * template is invoked with `ctx`'s call options (the run's callbacks reach it).
 */
export async function modelInput<TState>(
	state: TState,
	options: Pick<LlmNodeOptions<TState>, "system" | "prompt">,
	ctx: NodeContext,
	where: string,
): Promise<BaseMessage[]> {
	const system = systemOf(state, options);
	const prompt = options.prompt;
	if (prompt === undefined) return stateInput(state, system);
	const head = system === undefined ? [] : [new SystemMessage(system)];
	if (typeof prompt === "function") {
		const out: unknown = await prompt(state);
		// one typeof per call: anything else failed inside the model call ("is not iterable")
		if (typeof out !== "string" && !Array.isArray(out))
			throw new ConfigError(
				"CONFIG_INVALID",
				`${where}: the prompt function returned ${shown(out)}, not a string or a list of messages`,
				{
					hint: "return the prompt as text, or as a list of messages (e.g. [new HumanMessage(text)]), from prompt: (state) => …",
				},
			);
		return [
			...head,
			...(typeof out === "string"
				? [new HumanMessage(out)]
				: (out as BaseMessage[])),
		];
	}
	const value = await prompt.invoke(state, ctx.callOptions);
	return [...head, ...value.toChatMessages()];
}

function systemOf<TState>(
	state: TState,
	options: Pick<LlmNodeOptions<TState>, "system">,
): string | undefined {
	if (typeof options.system !== "function") return options.system;
	const text: unknown = options.system(state);
	// one typeof per call: a function giving anything but text would fail inside SystemMessage
	if (typeof text !== "string")
		throw new ConfigError(
			"CONFIG_INVALID",
			`the system function returned ${shown(text)}, not a string`,
			{ hint: "return the system prompt as text from system: (state) => …" },
		);
	return text;
}

/** The system message (if any), then the state's messages. */
function stateInput<TState>(
	state: TState,
	system: string | undefined,
): BaseMessage[] {
	const list = (state as Partial<MessagesState>).messages;
	if (!Array.isArray(list)) {
		throw new ConfigError(
			"CONFIG_INVALID",
			"llmNode has no prompt and the state has no messages",
			{
				hint: "add messages() to the state schema, or pass prompt: (state) => …",
			},
		);
	}
	return system === undefined
		? [...list]
		: [new SystemMessage(system), ...list];
}
