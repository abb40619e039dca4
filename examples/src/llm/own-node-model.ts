import { HumanMessage } from "@langchain/core/messages";
import { type NodeContext, START, StateGraph } from "@weft/graph";
import {
	type ChatModelLike,
	invokeModel,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { z } from "zod";

export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		{ content: "Owls hunt at night.", usage: { input: 40, output: 8 } },
		{ content: "Night hunters", usage: { input: 20, output: 3 } },
	]);
}

export async function main(model: ChatModelLike = scriptedModel()) {
	// #region own-node
	const write = async (s: { topic: string }, ctx: NodeContext) => {
		const draft = await invokeModel(ctx, "draft", model, [
			new HumanMessage(`write about ${s.topic}`),
		]);
		const title = await invokeModel(ctx, "title", model, [
			new HumanMessage(`title for ${draft.content}`),
		]);
		return { draft: String(draft.content), title: String(title.content) };
	};
	// #endregion own-node
	const graph = new StateGraph(
		z.object({
			topic: z.string(),
			draft: z.string().optional(),
			title: z.string().optional(),
		}),
	)
		.addNode("write", write)
		.addEdge(START, "write")
		.compile();
	return graph.run({ topic: "owls" });
}
