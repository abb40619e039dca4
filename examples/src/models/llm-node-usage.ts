// ModelRouter as the model of an llmNode: the run's usage shows the routed model and its cost.
import { HumanMessage } from "@langchain/core/messages";
import { START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { ModelRouter } from "@weft/models";
import { z } from "zod";

export async function main() {
	// #region llm-node
	const model = new ModelRouter({
		models: {
			"gpt-4o": new ScriptedChatModel([{ fail: "server", status: 500 }]),
			"gpt-4o-mini": new ScriptedChatModel([
				{ content: "Hello!", usage: { input: 900, output: 40 } },
			]),
		},
		retry: { maxRetries: 0 },
	});
	const graph = new StateGraph(z.object({ messages: messages() }))
		.addNode("chat", llmNode({ model }))
		.addEdge(START, "chat")
		.compile();
	const result = await graph.run({ messages: [new HumanMessage("hi")] });
	// result.usage.byModel["gpt-4o-mini"]: tokens and costUsd; result.usage.byNode.chat likewise
	// #endregion llm-node
	return result.usage;
}
