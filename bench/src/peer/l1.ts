// L1 on LangGraph.js: the prebuilt createReactAgent with MemorySaver, on the scripted model.
import { MemorySaver } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { measureAgent } from "../llm/measure-agent.ts";
import { lookup } from "../llm/scripted-agent-model.ts";
import type { Sizes } from "../sizes.ts";

export function l1(p: Sizes["l1"]) {
	return measureAgent(p, (model) => {
		const agent = createReactAgent({
			llm: model,
			tools: [lookup],
			checkpointSaver: new MemorySaver(),
		});
		return async (input, threadId) =>
			(
				await agent.invoke(
					{ messages: [input] },
					{ configurable: { thread_id: threadId }, recursionLimit: 200 },
				)
			).messages;
	});
}
