// L1 on Weft: createAgent (@weft/graph/llm) with MemoryCheckpointer, on the scripted model.
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { measureAgent } from "../llm/measure-agent.ts";
import { lookup } from "../llm/scripted-agent-model.ts";
import type { Sizes } from "../sizes.ts";

export function l1(p: Sizes["l1"]) {
	return measureAgent(p, (model) => {
		const agent = createAgent({
			model,
			tools: [lookup],
			checkpointer: new MemoryCheckpointer(),
		});
		return async (input, threadId) =>
			(
				await agent.invoke(
					{ messages: [input] },
					{ threadId, recursionLimit: 200 },
				)
			).messages;
	});
}
