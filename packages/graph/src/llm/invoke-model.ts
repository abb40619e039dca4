import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import { ConfigError, type NodeContext } from "../index.ts";
import { type ChatModelLike, callModel } from "./call-model.ts";

/** Options of `invokeModel`. */
export interface InvokeModelOptions {
	/** Stream tokens as `message` events when someone consumes them (default true). */
	stream?: boolean;
	/** The answer's `name`. */
	name?: string;
}

/**
 * Calls a chat model from a node of your own as `llmNode` calls it: the call's tokens and cost are added to
 * the run's usage (`RunResult.usage`, the thread's, `weft stats`), its tokens stream as `message` events,
 * and its answer is saved under `key` with the task, so a node that runs again (after a resume or a crash)
 * gets the saved answer instead of paying for the call again. Like `ctx.once`, each call of a node needs a
 * key of its own. A model called directly (`model.invoke(…)`) is none of these (decision 0230).
 */
export function invokeModel(
	ctx: NodeContext,
	key: string,
	model: ChatModelLike,
	messages: BaseMessage[],
	options: InvokeModelOptions = {},
): Promise<AIMessage> {
	const problem =
		typeof ctx?.reportUsage !== "function"
			? "its first argument must be the node's context (ctx)"
			: typeof key !== "string" || key === ""
				? "its key must be a non-empty string, one per call in a node (as ctx.once's)"
				: typeof model?.invoke !== "function"
					? "its model must be a chat model (an object with invoke)"
					: !Array.isArray(messages)
						? "its messages must be an array of messages"
						: undefined;
	if (problem !== undefined)
		return Promise.reject(
			new ConfigError("CONFIG_INVALID", `invokeModel: ${problem}`, {
				hint: 'call it as invokeModel(ctx, "draft", model, [new HumanMessage("…")])',
			}),
		);
	return callModel(ctx, model, messages, {
		key: `invokeModel:${key}`,
		...(options.stream === undefined ? {} : { stream: options.stream }),
		name: options.name,
	});
}
