import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { AIMessageChunk } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import type { ModelEntry } from "../routing/model-entry.ts";
import type { PreparedCall } from "./prepare-call.ts";

type ChatRunnable = Runnable<BaseLanguageModelInput, AIMessageChunk>;

/** The entry's model with the call's tools bound. */
export function boundModel(
	entry: ModelEntry,
	call: PreparedCall,
): ChatRunnable {
	if (call.tools.length === 0) return entry.model as unknown as ChatRunnable;
	const bind = entry.model.bindTools;
	if (bind === undefined) throw new TypeError("the model cannot bind tools");
	const kwargs =
		call.toolChoice === undefined ? {} : { tool_choice: call.toolChoice };
	return bind.call(entry.model, call.tools, kwargs) as ChatRunnable;
}

/**
 * Call options for the inner model: the caller's own, its signal, and no callbacks, so that the
 * provider's tokens reach the caller's handlers once, through the router's run.
 */
export function innerOptions(
	call: PreparedCall,
	signal: AbortSignal,
): Record<string, unknown> {
	return { ...call.passthrough, signal, callbacks: [] };
}

/** One non-streaming attempt. */
export function invokeEntry(
	entry: ModelEntry,
	call: PreparedCall,
	messages: BaseLanguageModelInput,
	signal: AbortSignal,
): Promise<AIMessageChunk> {
	return boundModel(entry, call).invoke(messages, innerOptions(call, signal));
}

/** One streaming attempt: resolves once the first chunk arrived (so errors before it can retry or fall back). */
export async function streamEntry(
	entry: ModelEntry,
	call: PreparedCall,
	signal: AbortSignal,
): Promise<{
	first: IteratorResult<AIMessageChunk>;
	rest: AsyncIterator<AIMessageChunk>;
}> {
	const stream = await boundModel(entry, call).stream(
		call.messages,
		innerOptions(call, signal),
	);
	const rest = stream[Symbol.asyncIterator]();
	const first = await rest.next();
	return { first, rest };
}
