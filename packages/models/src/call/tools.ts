import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";

/** The name of a tool in any of the forms `bindTools` accepts. */
export function toolName(tool: BindToolsInput): string | undefined {
	const t = tool as { name?: unknown; function?: { name?: unknown } };
	if (typeof t.name === "string") return t.name;
	if (typeof t.function?.name === "string") return t.function.name;
	return undefined;
}

/** Tools as provider-neutral JSON (for cache keys); a tool that cannot be converted is keyed by its name. */
export function toolsForKey(tools: readonly BindToolsInput[]): unknown[] {
	return tools.map((t) => {
		try {
			return convertToOpenAITool(
				t as Parameters<typeof convertToOpenAITool>[0],
			);
		} catch {
			return { name: toolName(t) };
		}
	});
}
