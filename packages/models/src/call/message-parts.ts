import {
	type AIMessage,
	AIMessageChunk,
	type AIMessageChunkFields,
	type BaseMessage,
	type UsageMetadata,
} from "@langchain/core/messages";

/** Does any message carry an image part? */
export function hasImages(messages: BaseMessage[]): boolean {
	return messages.some(
		(m) =>
			Array.isArray(m.content) &&
			m.content.some(
				(p) =>
					typeof p === "object" &&
					(p.type === "image_url" || p.type === "image"),
			),
	);
}

type AnyAI = AIMessage | AIMessageChunk;

/**
 * An AIMessageChunk (what a BaseChatModel returns) with the fields of `m` and the given metadata and
 * usage. Tool calls and invalid tool calls are kept exactly: the chunk's own parsing of argument
 * strings would turn a truncated JSON into a valid call.
 */
export function withMetadata(
	m: AnyAI,
	responseMetadata: Record<string, unknown>,
	usage: UsageMetadata | undefined,
): AIMessageChunk {
	const calls = m.tool_calls ?? [];
	const invalid = m.invalid_tool_calls ?? [];
	const chunk = new AIMessageChunk(<AIMessageChunkFields>{
		content: m.content,
		...(m.id === undefined ? {} : { id: m.id }),
		...(m.name === undefined ? {} : { name: m.name }),
		tool_call_chunks: [
			...calls.map((c) => ({
				name: c.name,
				args: JSON.stringify(c.args),
				id: c.id,
			})),
			...invalid.map((c) => ({ name: c.name, args: c.args, id: c.id })),
		].map((c, index) => ({ type: "tool_call_chunk", ...c, index })),
		additional_kwargs: m.additional_kwargs,
		response_metadata: { ...m.response_metadata, ...responseMetadata },
		...(usage === undefined ? {} : { usage_metadata: usage }),
	});
	chunk.tool_calls = calls;
	chunk.invalid_tool_calls = invalid;
	return chunk;
}

/** A chunk as the inner model streamed it, without usage (the wrapper reports usage once, on its last chunk). */
export function withoutUsage(c: AIMessageChunk): AIMessageChunk {
	return new AIMessageChunk(<AIMessageChunkFields>{
		content: c.content,
		...(c.id === undefined ? {} : { id: c.id }),
		tool_call_chunks: c.tool_call_chunks ?? [],
		additional_kwargs: c.additional_kwargs,
		response_metadata: c.response_metadata,
	});
}

/** Does a streamed chunk carry nothing for the caller (no text, tool call or kwargs), e.g. a provider's usage-only last chunk? */
export function isEmptyChunk(c: AIMessageChunk): boolean {
	const noContent =
		c.content === "" || (Array.isArray(c.content) && c.content.length === 0);
	return (
		noContent &&
		(c.tool_call_chunks ?? []).length === 0 &&
		Object.keys(c.additional_kwargs ?? {}).length === 0
	);
}

/** The text of an answer. */
export function answerText(m: BaseMessage): string {
	if (typeof m.content === "string") return m.content;
	return m.content
		.map((p) =>
			typeof p === "string" ? p : p.type === "text" ? String(p.text) : "",
		)
		.join("");
}
