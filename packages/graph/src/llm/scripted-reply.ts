import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { shown } from "../shown.ts";

/** A tool call in a scripted reply (`id` defaults to `call-<message id>-<i>`). */
export interface ScriptedToolCall {
	name: string;
	args?: Record<string, unknown> | undefined;
	id?: string | undefined;
}

/** One scripted answer of the model. */
export interface ScriptedMessage {
	content?: string | undefined;
	toolCalls?: readonly ScriptedToolCall[] | undefined;
	/** Tool calls whose arguments are not valid JSON (as a provider's parser reports them). */
	malformedToolCalls?:
		| ReadonlyArray<{ name: string; args: string; id?: string | undefined }>
		| undefined;
	/** Token counts (default: estimated at 4 characters a token); `false` leaves usage out. */
	usage?:
		| { input: number; output: number; cached?: number }
		| false
		| undefined;
	/** How `stream()` splits the content (default: by word). */
	chunks?: readonly string[] | undefined;
	/** Message id (default: `<idPrefix>-<n>`, n counting the model's calls from 0). */
	id?: string | undefined;
	/** Merged into the message's `response_metadata` (e.g. `{ weft: { costUsd: 0.01 } }`). */
	responseMetadata?: Record<string, unknown> | undefined;
	/** Waits this long before answering (aborted with the call's signal). */
	delayMs?: number | undefined;
}

/** An injected failure: a rate limit (429 + Retry-After), a server error, a hang until aborted. */
export type ScriptedFailure =
	| { fail: "rate-limit"; retryAfterSeconds?: number | undefined }
	| {
			fail: "server";
			status?: number | undefined;
			message?: string | undefined;
	  }
	| { fail: "bad-request"; message?: string | undefined }
	| { fail: "hang" };

/** What the model received in one call. */
export interface ScriptedCall {
	/** 0-based position of the call. */
	index: number;
	/** The id the answer gets unless the reply sets one. */
	id: string;
	messages: BaseMessage[];
	/** Names of the tools bound to the model for this call. */
	tools: string[];
	/** True when the call came through `stream()`. */
	streamed: boolean;
	options: Record<string, unknown>;
}

/** A step of the script: text, a message, a failure, or a function of the call. */
export type ScriptedReply =
	| string
	| ScriptedMessage
	| ScriptedFailure
	| ((call: ScriptedCall) => ScriptedReply | Promise<ScriptedReply>);

/** The error an injected failure throws: shaped like a provider SDK's HTTP error. */
export class ScriptedModelError extends Error {
	readonly status: number;
	readonly headers: Headers;
	constructor(
		status: number,
		message: string,
		headers: Record<string, string> = {},
	) {
		super(message);
		this.name = "ScriptedModelError";
		this.status = status;
		this.headers = new Headers(headers);
	}
}

const FAILURES: ReadonlySet<string> = new Set([
	"rate-limit",
	"server",
	"bad-request",
	"hang",
]);

/**
 * Why a step of the script (or what a function step gave) is none a model can answer with, or undefined:
 * a misspelt failure kind would otherwise hang the call (taken for "hang") and a number would answer `{}`.
 */
export function replyProblem(reply: unknown): string | undefined {
	if (typeof reply === "string" || typeof reply === "function") return;
	if (typeof reply !== "object" || reply === null || Array.isArray(reply))
		return `a reply must be text, a message, a failure or a function, not ${shown(reply)}`;
	if (
		"fail" in reply &&
		!FAILURES.has((reply as { fail: unknown }).fail as string)
	)
		return `unknown failure ${shown((reply as { fail: unknown }).fail)}: use ${[...FAILURES].map((f) => `"${f}"`).join(", ")}`;
	return undefined;
}

export function failureError(
	f: ScriptedFailure,
): ScriptedModelError | undefined {
	switch (f.fail) {
		case "rate-limit":
			return new ScriptedModelError(429, "rate limit exceeded (scripted)", {
				"retry-after": String(f.retryAfterSeconds ?? 1),
			});
		case "server":
			return new ScriptedModelError(
				f.status ?? 500,
				f.message ?? "internal server error (scripted)",
			);
		case "bad-request":
			return new ScriptedModelError(400, f.message ?? "bad request (scripted)");
		case "hang":
			return undefined;
	}
}

export function isFailure(
	r: ScriptedMessage | ScriptedFailure,
): r is ScriptedFailure {
	return "fail" in r;
}

// @langchain/core's field types reject `undefined` in optional fields under exactOptionalPropertyTypes.
type ChunkFields = ConstructorParameters<typeof AIMessageChunk>[0] & object;

const estimate = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function textOf(m: BaseMessage): string {
	return typeof m.content === "string" ? m.content : JSON.stringify(m.content);
}

function toolCallsOf(reply: ScriptedMessage, n: string) {
	return (reply.toolCalls ?? []).map((c, i) => ({
		id: c.id ?? `call-${n}-${i}`,
		name: c.name,
		args: c.args ?? {},
		type: "tool_call" as const,
	}));
}

function malformedOf(reply: ScriptedMessage, n: string, offset: number) {
	return (reply.malformedToolCalls ?? []).map((c, i) => ({
		id: c.id ?? `call-${n}-${offset + i}`,
		name: c.name,
		args: c.args,
		error: "arguments are not valid JSON",
		type: "invalid_tool_call" as const,
	}));
}

function metadataOf(reply: ScriptedMessage, call: ScriptedCall, model: string) {
	const content = reply.content ?? "";
	const usage =
		reply.usage === false
			? undefined
			: (reply.usage ?? {
					input: estimate(call.messages.map(textOf).join("\n")),
					output: estimate(content),
				});
	return {
		usage_metadata:
			usage === undefined
				? undefined
				: {
						input_tokens: usage.input,
						output_tokens: usage.output,
						total_tokens: usage.input + usage.output,
						...(usage.cached === undefined
							? {}
							: { input_token_details: { cache_read: usage.cached } }),
					},
		response_metadata: { model_name: model, ...reply.responseMetadata },
	};
}

/**
 * The whole answer as one message: an AIMessageChunk, as `@langchain/core` 1.x chat models return, whose
 * tool calls are parsed from tool call chunks (so malformed arguments land in `invalid_tool_calls`).
 */
export function toMessage(
	reply: ScriptedMessage,
	call: ScriptedCall,
	model: string,
): AIMessageChunk {
	const { usage_metadata, response_metadata } = metadataOf(reply, call, model);
	return new AIMessageChunk(<ChunkFields>{
		content: reply.content ?? "",
		id: reply.id ?? call.id,
		tool_call_chunks: toolChunksOf(reply, call.id),
		...(usage_metadata === undefined ? {} : { usage_metadata }),
		response_metadata,
	});
}

function toolChunksOf(reply: ScriptedMessage, n: string) {
	const calls = toolCallsOf(reply, n);
	return [
		...calls.map((c, i) => ({
			id: c.id,
			name: c.name,
			args: JSON.stringify(c.args),
			index: i,
		})),
		...malformedOf(reply, n, calls.length).map((c, i) => ({
			id: c.id,
			name: c.name,
			args: c.args,
			index: calls.length + i,
		})),
	].map((c) => ({ ...c, type: "tool_call_chunk" as const }));
}

/** The answer as stream chunks: content pieces, then tool call chunks, usage and metadata on the last. */
export function toChunks(
	reply: ScriptedMessage,
	call: ScriptedCall,
	model: string,
): AIMessageChunk[] {
	const id = reply.id ?? call.id;
	const content = reply.content ?? "";
	const pieces = reply.chunks ?? content.match(/\s*\S+\s*/g) ?? [];
	const toolChunks = toolChunksOf(reply, call.id);
	const { usage_metadata, response_metadata } = metadataOf(reply, call, model);
	const chunks = pieces.map(
		(piece) => new AIMessageChunk(<ChunkFields>{ content: piece, id }),
	);
	chunks.push(
		new AIMessageChunk(<ChunkFields>{
			content: "",
			id,
			tool_call_chunks: toolChunks,
			...(usage_metadata === undefined ? {} : { usage_metadata }),
			response_metadata,
		}),
	);
	return chunks;
}
