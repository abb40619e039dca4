// Each call a router makes to a model reaches the caller's LangChain callbacks as a chat model run of its
// own, a child of the router's run, named by the model called: a failed attempt ends in
// `handleLLMError`, the answering one in `handleLLMEnd` (decision 0132). The call's tokens stay on the
// router's run, whose answer carries them (and `response_metadata.weft`): an attempt's end carries its
// answer without `usage_metadata`, so a handler that sums usage over chat model runs counts each token once.
import {
	CallbackManager,
	type CallbackManagerForLLMRun,
} from "@langchain/core/callbacks/manager";
import type { Serialized } from "@langchain/core/load/serializable";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { ChatGeneration } from "@langchain/core/outputs";
import type { ModelEntry } from "../routing/model-entry.ts";
import { answerText, withoutUsage } from "./message-parts.ts";

/** The callbacks' run of one attempt: ended with its answer, or with the error it failed with. */
export interface AttemptRun {
	end(answer: AIMessageChunk): Promise<void>;
	fail(error: unknown): Promise<void>;
}

/** What LangChain's chat models expose for tracing (each optional: any Runnable may be a router's model). */
interface Traceable {
	toJSON?(): Serialized;
	getLsParams?(options: Record<string, unknown>): Record<string, unknown>;
	invocationParams?(options?: Record<string, unknown>): Record<string, unknown>;
	model?: unknown;
	modelName?: unknown;
}

/**
 * Opens the run of an attempt on `entry` (the router's model `name`, or one of its deployments) under
 * the router's run; undefined when nobody listens.
 */
export async function startAttempt(
	parent: CallbackManagerForLLMRun | undefined,
	name: string,
	entry: ModelEntry,
	messages: BaseMessage[],
	passthrough: Record<string, unknown>,
): Promise<AttemptRun | undefined> {
	if (parent === undefined || parent.handlers.length === 0) return undefined;
	const model = entry.model as unknown as Traceable;
	const ls = tryOr(() => model.getLsParams?.(passthrough), undefined) ?? {};
	const params =
		tryOr(() => model.invocationParams?.(passthrough), undefined) ?? {};
	const modelName =
		str(ls.ls_model_name) ?? str(model.model) ?? str(model.modelName) ?? name;
	const manager = childCallbacks(parent, {
		...ls,
		ls_model_name: modelName,
		weft_model: name,
	});
	const [run] = await manager.handleChatModelStart(
		tryOr(() => model.toJSON?.(), undefined) ?? notSerialized(name),
		[messages],
		undefined,
		undefined,
		{ invocation_params: { ...params, model: modelName }, batch_size: 1 },
	);
	if (run === undefined) return undefined;
	return {
		end: (answer) => {
			const message = withoutUsage(answer);
			const generation: ChatGeneration = { text: answerText(message), message };
			return run.handleLLMEnd({ generations: [[generation]] });
		},
		fail: (error) => run.handleLLMError(error),
	};
}

/**
 * Callbacks whose runs are children of the router's run `parent` (an LLM run has no `getChild`), with
 * its tags and metadata (thread, node, step) as LangChain's getChild passes them on, and `metadata` on top.
 */
export function childCallbacks(
	parent: CallbackManagerForLLMRun,
	metadata: Record<string, unknown> = {},
): CallbackManager {
	const own = parent as unknown as {
		tags: string[];
		metadata: Record<string, unknown>;
	};
	// LangChain gives a run its manager's metadata (handleChatModelStart's own argument is not read)
	return new CallbackManager(parent.runId, {
		handlers: parent.handlers,
		inheritableHandlers: parent.handlers,
		tags: own.tags,
		inheritableTags: own.tags,
		metadata: { ...own.metadata, ...metadata },
		inheritableMetadata: own.metadata,
	});
}

function notSerialized(name: string): Serialized {
	return { lc: 1, type: "not_implemented", id: ["weft", "model", name] };
}

function tryOr<T>(fn: () => T, fallback: T): T {
	try {
		return fn();
	} catch {
		return fallback; // a model's tracing hooks never fail its call
	}
}

function str(v: unknown): string | undefined {
	return typeof v === "string" && v !== "" ? v : undefined;
}
