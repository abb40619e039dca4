import {
	type AIMessage,
	type BaseMessage,
	isAIMessage,
	ToolMessage,
} from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";

/** A tool call of an AI message; `malformed` holds the raw arguments when they were not valid JSON. */
export interface PendingToolCall {
	id: string;
	name: string;
	args: Record<string, unknown>;
	malformed?: string | undefined;
}

/**
 * The last AI message and its tool calls that no ToolMessage after it answers yet (ToolMessages already
 * written, by a rejection for example, keep their calls from running).
 */
export function pendingToolCalls(messages: readonly BaseMessage[]): {
	ai: AIMessage | undefined;
	calls: PendingToolCall[];
} {
	const answered = new Set<string>();
	let i = messages.length - 1;
	for (; i >= 0 && ToolMessage.isInstance(messages[i]); i--)
		answered.add((messages[i] as ToolMessage).tool_call_id);
	const last = messages[i];
	if (last === undefined || !isAIMessage(last))
		return { ai: undefined, calls: [] };
	const ai = last as AIMessage;
	const calls: PendingToolCall[] = [];
	const valid = ai.tool_calls ?? [];
	for (let n = 0; n < valid.length; n++) {
		const c = valid[n]!;
		const id = c.id ?? `${ai.id ?? "ai"}:${n}`;
		if (!answered.has(id)) calls.push({ id, name: c.name, args: c.args ?? {} });
	}
	const invalid = ai.invalid_tool_calls ?? [];
	for (let n = 0; n < invalid.length; n++) {
		const c = invalid[n]!;
		const id = c.id ?? `${ai.id ?? "ai"}:invalid:${n}`;
		if (!answered.has(id))
			calls.push({ id, name: c.name ?? "", args: {}, malformed: c.args ?? "" });
	}
	return { ai, calls };
}

/** An error answer to a tool call: the model sees it and can try again. */
export function errorMessage(call: PendingToolCall, text: string): ToolMessage {
	return new ToolMessage({
		content: `Error: ${text}`,
		tool_call_id: call.id,
		name: call.name,
		status: "error",
	});
}

/** The first problems zod finds in the arguments, or undefined when they fit (or the schema is not zod). */
export function invalidArguments(
	tool: StructuredToolInterface,
	args: unknown,
): string | undefined {
	const schema = tool.schema as {
		safeParse?: (v: unknown) => {
			success: boolean;
			error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
		};
	};
	if (typeof schema?.safeParse !== "function") return undefined;
	const result = schema.safeParse(args);
	if (result.success) return undefined;
	return (result.error?.issues ?? [])
		.slice(0, 5)
		.map(
			(i) => `${i.path.map(String).join(".") || "(arguments)"}: ${i.message}`,
		)
		.join("; ");
}
