import { END } from "../index.ts";
import type { MessagesState } from "./llm-node.ts";
import { pendingToolCalls } from "./tool-calls.ts";

/**
 * A router for after an `llmNode`: "tools" when the last AI message has tool calls to answer, else END.
 * @example
 * graph.addConditionalEdges("agent", toolsCondition)
 */
export function toolsCondition(state: MessagesState): "tools" | END {
	return pendingToolCalls(state.messages).calls.length > 0 ? "tools" : END;
}
