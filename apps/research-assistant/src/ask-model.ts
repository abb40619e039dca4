import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import {
	type AIMessage,
	type AIMessageChunk,
	HumanMessage,
	SystemMessage,
} from "@langchain/core/messages";
import type { NodeContext } from "@weft/graph";

/** A chat model the app can call: any @langchain/core chat model (or a @weft/models router). */
export type ChatModel = Pick<BaseChatModel, "invoke" | "stream"> & {
	bindTools?: BaseChatModel["bindTools"];
};

/** What a model call returned, as saved with the task. */
export interface ModelReply {
	text: string;
	toolCalls: Array<{ id: string; name: string; args: Record<string, unknown> }>;
}

/**
 * Calls a model for one task of the app: the task's instructions as the system message (with a
 * `[task:name]` tag the offline model reads), the payload as JSON. Tokens stream as `message` events,
 * usage goes to the run, and the reply is saved with the node's task (`ctx.once`), so resuming after an
 * approval or a crash never pays for the same call twice.
 */
export async function askModel(
	ctx: NodeContext,
	model: ChatModel,
	task: string,
	instructions: string,
	payload: unknown,
	options: { tools?: unknown[]; key?: string } = {},
): Promise<ModelReply> {
	return ctx.once(`model:${options.key ?? task}`, async () => {
		const runnable =
			options.tools === undefined
				? model
				: model.bindTools!(options.tools as never);
		const messages = [
			new SystemMessage(`[task:${task}] ${instructions}`),
			new HumanMessage(JSON.stringify(payload)),
		];
		let full: AIMessageChunk | undefined;
		// the task label lets a @weft/models router pick the model for this kind of work
		for await (const chunk of await runnable.stream(messages, {
			signal: ctx.signal,
			task,
		} as never)) {
			ctx.emitMessage(chunk);
			full = full === undefined ? chunk : full.concat(chunk);
		}
		const reply = full as unknown as AIMessage | undefined;
		const usage = (
			reply as
				| { usage_metadata?: { input_tokens?: number; output_tokens?: number } }
				| undefined
		)?.usage_metadata;
		const meta = (reply?.response_metadata ?? {}) as {
			model_name?: string;
			model?: string;
			weft?: { model?: string; costUsd?: number };
		};
		ctx.reportUsage({
			model: meta.weft?.model ?? meta.model_name ?? meta.model ?? "unknown",
			inputTokens: usage?.input_tokens ?? 0,
			outputTokens: usage?.output_tokens ?? 0,
			...(meta.weft?.costUsd === undefined
				? {}
				: { costUsd: meta.weft.costUsd }),
		});
		return {
			text: typeof reply?.content === "string" ? reply.content : "",
			toolCalls: (reply?.tool_calls ?? []).map((c) => ({
				id: c.id ?? c.name,
				name: c.name,
				args: c.args,
			})),
		};
	});
}

/** Parses a model's JSON answer leniently (a fenced block, or the first {...} in the text). */
export function parseJsonReply<T>(text: string, fallback: T): T {
	const candidate =
		/```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1] ??
		/\{[\s\S]*\}/.exec(text)?.[0] ??
		text;
	try {
		return JSON.parse(candidate) as T;
	} catch {
		return fallback;
	}
}
