import { fileURLToPath } from "node:url";
import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer } from "@weft/graph";
import {
	type ChatModelLike,
	createAgent,
	loadMcpTools,
	type McpServerConfig,
	ScriptedChatModel,
} from "@weft/graph/llm";

/** The example server, started with tsx (a published server would be `{ command: "npx", args: [...] }`). */
export const weatherServer: McpServerConfig = {
	command: process.execPath,
	args: [
		"--import",
		"tsx",
		fileURLToPath(new URL("./weather-server.ts", import.meta.url)),
	],
};

export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		{ toolCalls: [{ name: "forecast", args: { city: "Lisbon" } }] },
		"Tomorrow in Lisbon: sunny, 24 °C.",
	]);
}

export async function main(
	model: ChatModelLike = scriptedModel(),
	weather: McpServerConfig = weatherServer,
) {
	// #region load
	await using mcp = await loadMcpTools({
		weather, // { command, args } for stdio, or { url: "http://127.0.0.1:3000/mcp" } for streamable HTTP
	});
	const agent = createAgent({
		model,
		tools: mcp.tools, // @langchain/core tools: scopes and `approve` apply by name
		checkpointer: new MemoryCheckpointer(),
	});
	const out = await agent.invoke(
		{ messages: [new HumanMessage("Weather in Lisbon tomorrow?")] },
		{ threadId: "w1" },
	);
	// leaving the block closes the server (or call mcp.close())
	// #endregion load
	return {
		tools: mcp.tools.map((t) => t.name),
		answer: out.messages.at(-1)?.text,
	};
}
