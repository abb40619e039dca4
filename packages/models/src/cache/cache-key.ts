import { createHash } from "node:crypto";
import type { BaseMessage } from "@langchain/core/messages";

/** JSON with sorted keys and no undefined values, so that equal inputs give equal strings. */
export function stableStringify(value: unknown): string {
	if (value === null || typeof value !== "object") {
		return JSON.stringify(value) ?? "null";
	}
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined && typeof v !== "function")
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
}

/**
 * What of a message decides the answer: role (a `ChatMessage`'s own), content, name, tool calls and
 * results (a failed one's `status: "error"`: Anthropic sends it as `is_error`), and the provider fields a
 * model reads from `additional_kwargs` (a legacy `function_call`, say); not ids or metadata.
 */
function messageKey(m: BaseMessage): unknown {
	const calls = (
		m as { tool_calls?: { name: string; args: unknown; id?: string }[] }
	).tool_calls;
	const type = m.getType();
	const role = (m as { role?: unknown }).role;
	const kwargs = m.additional_kwargs;
	return {
		role:
			type === "generic" && typeof role === "string" ? `generic:${role}` : type,
		...(kwargs !== undefined && Object.keys(kwargs).length > 0
			? { kwargs }
			: {}),
		content: m.content,
		name: m.name,
		toolCalls: calls?.map((c) => ({ name: c.name, args: c.args, id: c.id })),
		toolCallId: (m as { tool_call_id?: string }).tool_call_id,
		// only when it failed: the keys of everything else stay as they were
		...((m as { status?: unknown }).status === "error"
			? { status: "error" }
			: {}),
	};
}

/** The cache key of a call: a SHA-256 over the model id, its parameters (tools included) and the messages. */
export function responseCacheKey(
	model: string,
	params: Record<string, unknown>,
	messages: BaseMessage[],
): string {
	const text = stableStringify({
		v: 1,
		model,
		params,
		messages: messages.map(messageKey),
	});
	return `weft:v1:${createHash("sha256").update(text).digest("hex")}`;
}
