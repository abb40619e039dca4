// A model's finish reason in the OpenTelemetry GenAI conventions' values, whatever the provider called it.
import type { AIMessage } from "@langchain/core/messages";

/** Provider values (lower case) with an equivalent among the conventions' `FinishReason`s. */
const CONVENTION = new Map<string, string>([
	// OpenAI, Mistral, Groq, Ollama's done_reason; Anthropic, Bedrock; Google (upper case)
	["stop", "stop"],
	["end_turn", "stop"],
	["stop_sequence", "stop"],
	["length", "length"],
	["max_tokens", "length"],
	["model_length", "length"],
	["model_context_window_exceeded", "length"],
	["tool_calls", "tool_call"],
	["tool_use", "tool_call"],
	["function_call", "tool_call"],
	["tool_call", "tool_call"],
	["content_filter", "content_filter"],
	["content_filtered", "content_filter"],
	["refusal", "content_filter"],
	["guardrail_intervened", "content_filter"],
	["safety", "content_filter"],
	["recitation", "content_filter"],
	["blocklist", "content_filter"],
	["prohibited_content", "content_filter"],
	["spii", "content_filter"],
	["image_safety", "content_filter"],
	["error", "error"],
	["malformed_function_call", "error"],
]);

/**
 * The answer's finish reason as the GenAI conventions name it (`stop`, `length`, `tool_call`,
 * `content_filter`, `error`): the provider's `raw` value mapped, one with no equivalent kept as given;
 * with none given, `tool_call` when the answer asks for tools, else `stop`.
 */
export function conventionFinishReason(
	raw: string | undefined,
	answer: AIMessage,
): string {
	if (raw === undefined)
		return (answer.tool_calls?.length ?? 0) > 0 ? "tool_call" : "stop";
	return CONVENTION.get(raw) ?? CONVENTION.get(raw.toLowerCase()) ?? raw;
}
