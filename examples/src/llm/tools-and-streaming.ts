import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import {
	type ChatModelLike,
	createAgent,
	ScriptedChatModel,
	withScopes,
} from "@weft/graph/llm";
import { z } from "zod";

export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		{
			toolCalls: [
				{ name: "read_inbox", args: {} },
				{ name: "delete_mail", args: { id: "m1" } },
			],
			usage: { input: 120, output: 20 },
		},
		{
			content:
				"You have one mail from Bob. I could not delete it: you lack the right.",
			usage: { input: 180, output: 16 },
		},
	]);
}

export async function main(model: ChatModelLike = scriptedModel()) {
	// #region scopes
	const readInbox = withScopes(
		tool(async () => "1 mail: m1 from Bob", {
			name: "read_inbox",
			description: "Lists mail",
			schema: z.object({}),
		}),
		["mail:read"],
	);
	const deleteMail = withScopes(
		tool(async ({ id }) => `deleted ${id}`, {
			name: "delete_mail",
			description: "Deletes a mail",
			schema: z.object({ id: z.string() }),
		}),
		["mail:delete"],
	);
	const agent = createAgent({ model, tools: [readInbox, deleteMail] });
	const tokens: string[] = [];
	const events: unknown[] = [];
	let usage: unknown;
	for await (const ev of agent.stream(
		{ messages: [new HumanMessage("Check my mail and delete m1")] },
		{ context: { scopes: ["mail:read"] }, mode: ["messages", "custom"] }, // the caller may read, not delete
	)) {
		if (ev.type === "message")
			tokens.push(String((ev.chunk as { content: unknown }).content));
		if (ev.type === "custom") events.push(ev.data); // { kind: "tool-refused", tool: "delete_mail", reason: "scopes", ... }
		if (ev.type === "end") usage = ev.result.usage; // { inputTokens: 300, outputTokens: 36, byModel, byNode, ... }
	}
	// #endregion scopes
	return { text: tokens.join(""), events, usage };
}
