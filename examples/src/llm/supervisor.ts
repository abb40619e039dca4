import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { MemoryCheckpointer } from "@weft/graph";
import {
	type ChatModelLike,
	createAgent,
	createSupervisor,
	handoffTool,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { z } from "zod";

const search = tool(
	async ({ q }) => `Result for "${q}": the Nile is about 6,650 km long.`,
	{
		name: "search",
		description: "Searches an encyclopedia",
		schema: z.object({ q: z.string() }),
	},
);

export function scriptedModels() {
	return {
		supervisor: new ScriptedChatModel([
			{
				toolCalls: [
					{
						name: "transfer_to_researcher",
						args: { message: "Find the length of the Nile" },
					},
				],
			},
			"The Nile is about 6,650 km long.",
		]),
		researcher: new ScriptedChatModel([
			{ toolCalls: [{ name: "search", args: { q: "Nile length" } }] },
			{
				toolCalls: [
					{
						name: "transfer_to_writer",
						args: { message: "Write one sentence: about 6,650 km." },
					},
				],
			},
		]),
		writer: new ScriptedChatModel(["The Nile stretches about 6,650 km."]),
	};
}

export async function main(
	models: {
		supervisor: ChatModelLike;
		researcher: ChatModelLike;
		writer: ChatModelLike;
	} = scriptedModels(),
	history: "shared" | "private" = "shared",
) {
	// #region supervisor
	const researcher = createAgent({
		model: models.researcher,
		tools: [search, handoffTool("writer")], // may pass the work straight to the writer
		name: "researcher",
	});
	const writer = createAgent({
		model: models.writer,
		tools: [],
		name: "writer",
	});
	const team = createSupervisor({
		model: models.supervisor,
		agents: { researcher, writer },
		descriptions: {
			researcher: "finds facts with search",
			writer: "writes the answer",
		},
		history, // "shared": everyone sees everything; "private": agents see only their task
		checkpointer: new MemoryCheckpointer(),
	});
	const result = await team.run(
		{ messages: [new HumanMessage("How long is the Nile?")] },
		{ threadId: "team-1" },
	);
	// #endregion supervisor
	return {
		result,
		said: result.values.messages
			.filter((m) => m.getType() === "ai" && m.content !== "")
			.map((m) => `${m.name}: ${m.content}`),
	};
}
