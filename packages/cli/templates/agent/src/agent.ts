// An agent with two tools: it looks up a colleague's address, then sends a mail once a human approves.
// The model is scripted (offline, deterministic); swap in any @langchain/core chat model.
import { tool } from "@langchain/core/tools";
import { MemoryCheckpointer } from "@weft/graph";
import {
	type ChatModelLike,
	createAgent,
	ScriptedChatModel,
	withScopes,
} from "@weft/graph/llm";
import { z } from "zod";

const lookupEmail = tool(
	async ({ name }) => `${name.toLowerCase()}@example.com`,
	{
		name: "lookup_email",
		description: "Finds a colleague's email address",
		schema: z.object({ name: z.string() }),
	},
);

// sending needs the "mail:send" scope: runs get it with `weft run … --scopes mail:send`
const sendEmail = withScopes(
	tool(async ({ to, body }) => `sent to ${to}: ${body}`, {
		name: "send_email",
		description: "Sends an email",
		schema: z.object({ to: z.string().email(), body: z.string() }),
	}),
	["mail:send"],
);

/** A stand-in model: it answers from the conversation so far, so any process can resume the thread. */
export function officeModel(): ScriptedChatModel {
	return new ScriptedChatModel({
		model: "office-scripted",
		repeatLast: true,
		replies: [
			({ messages }) => {
				const id = `ai-${messages.length}`;
				const last = messages.at(-1);
				const ask = String(
					messages.findLast((m) => m.getType() === "human")?.content ?? "",
				);
				const name = /\b(?:tell|mail|email)\s+(\w+)/i.exec(ask)?.[1] ?? "Bob";
				const body =
					ask.replace(/^.*?\b(?:tell|mail|email)\s+\w+\s*(?:that\s+)?/i, "") ||
					ask;
				if (last?.getType() === "human")
					return { id, toolCalls: [{ name: "lookup_email", args: { name } }] };
				if (last?.getType() === "tool" && last.name === "lookup_email")
					return {
						id,
						toolCalls: [
							{ name: "send_email", args: { to: String(last.content), body } },
						],
					};
				return { id, content: `Done: ${String(last?.content ?? "")}` };
			},
		],
	});
}

export function makeAgent(model: ChatModelLike = officeModel()) {
	return createAgent({
		model,
		tools: [lookupEmail, sendEmail],
		approve: ["send_email"], // a human decides before any mail goes out
		system: "You help with office tasks. Use the tools.",
		checkpointer: new MemoryCheckpointer(), // `weft run` replaces it with its database
	});
}

export const agent = makeAgent();
