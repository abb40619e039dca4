// Messages as the OpenTelemetry GenAI conventions write them in `gen_ai.input.messages` and
// `gen_ai.output.messages`: `{ role, parts }`.
import type {
	AIMessage,
	BaseMessage,
	ToolMessage,
} from "@langchain/core/messages";

/**
 * A message as the GenAI conventions' `{ role, parts }`: text parts and tool calls, and a tool's answer
 * as a `tool_call_response` part with the id of the call it answers.
 */
export function asPart(m: BaseMessage): Record<string, unknown> {
	const type = m.getType();
	if (type === "tool")
		return {
			role: "tool",
			parts: [
				{
					type: "tool_call_response",
					id: (m as ToolMessage).tool_call_id,
					response: m.text,
				},
			],
		};
	const parts: unknown[] = [{ type: "text", content: m.text }];
	for (const c of (m as AIMessage).tool_calls ?? [])
		parts.push({
			type: "tool_call",
			id: c.id,
			name: c.name,
			arguments: c.args,
		});
	return { role: roleOf(type), parts };
}

function roleOf(type: string): string {
	if (type === "human") return "user";
	if (type === "ai") return "assistant";
	return type;
}
