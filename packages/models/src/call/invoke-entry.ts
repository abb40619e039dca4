import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import type { ModelEntry } from "../routing/model-entry.ts";
import { type AttemptRun, startAttempt } from "./attempt-run.ts";
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

/** One non-streaming attempt on the model `name` (or a deployment of it), reported to the callbacks. */
export async function invokeEntry(
	name: string,
	entry: ModelEntry,
	call: PreparedCall,
	messages: BaseMessage[],
	signal: AbortSignal,
): Promise<AIMessageChunk> {
	const run = await startAttempt(
		call.parentRun,
		name,
		entry,
		messages,
		call.passthrough,
	);
	try {
		const answer = await boundModel(entry, call).invoke(
			messages,
			innerOptions(call, signal),
		);
		await run?.end(answer);
		return answer;
	} catch (error) {
		await run?.fail(error);
		throw error;
	}
}

/**
 * One streaming attempt: resolves once the first chunk arrived (so errors before it can retry or fall
 * back), with its callbacks' run, which the reader ends when the stream does, and `stop`, which aborts
 * the model's call (a stream that stalled after its first chunk).
 */
export async function streamEntry(
	name: string,
	entry: ModelEntry,
	call: PreparedCall,
	attemptSignal: AbortSignal,
): Promise<{
	first: IteratorResult<AIMessageChunk>;
	rest: AsyncIterator<AIMessageChunk>;
	run: AttemptRun | undefined;
	stop: (reason: unknown) => void;
}> {
	const stopped = new AbortController();
	const signal = AbortSignal.any([attemptSignal, stopped.signal]);
	const run = await startAttempt(
		call.parentRun,
		name,
		entry,
		call.messages,
		call.passthrough,
	);
	try {
		const stream = await boundModel(entry, call).stream(
			call.messages,
			innerOptions(call, signal),
		);
		const rest = stream[Symbol.asyncIterator]();
		const first = await rest.next();
		return { first, rest, run, stop: (reason) => stopped.abort(reason) };
	} catch (error) {
		await run?.fail(error);
		throw error;
	}
}
