import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { Command, MemoryCheckpointer } from "@weft/graph";
import {
	type ChatModelLike,
	createAgent,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { z } from "zod";

export const sent: string[] = [];

// #region tools
const lookup = tool(async ({ name }) => `${name.toLowerCase()}@example.com`, {
	name: "lookup_email",
	description: "Finds a colleague's email address",
	schema: z.object({ name: z.string() }),
});
const sendEmail = tool(
	async ({ to, body }) => {
		sent.push(`${to}: ${body}`);
		return `sent to ${to}`;
	},
	{
		name: "send_email",
		description: "Sends an email",
		schema: z.object({ to: z.string().email(), body: z.string() }),
	},
);
// #endregion tools

/** A scripted stand-in for a real model: the answers it would give for this conversation. */
export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		{ toolCalls: [{ name: "lookup_email", args: { name: "Bob" } }] },
		{
			toolCalls: [
				{
					name: "send_email",
					args: { to: "bob@example.com", body: "The release is on Friday." },
				},
			],
		},
		"Done: Bob knows the release is on Friday.",
	]);
}

export async function main(model: ChatModelLike = scriptedModel()) {
	// #region agent
	const agent = createAgent({
		model,
		tools: [lookup, sendEmail],
		approve: ["send_email"], // a human decides before any email goes out
		system: "You help with office tasks. Use the tools.",
		checkpointer: new MemoryCheckpointer(),
	});
	const paused = await agent.run(
		{ messages: [new HumanMessage("Tell Bob the release is on Friday")] },
		{ threadId: "office-1" },
	);
	// paused.status === "interrupted"
	// paused.interrupts[0].value.request.toolCalls: [{ name: "send_email", args: { to, body }, id }]
	const done = await agent.run(new Command({ resume: { action: "approve" } }), {
		threadId: "office-1",
	});
	// or { action: "reject", reason: "not yet" } or { action: "edit", args: { to, body } }
	const spent = await agent.getUsage({ threadId: "office-1" });
	// what the thread cost over both runs, from the store: { calls: 3, inputTokens, …, byModel, byNode }
	// #endregion agent
	return {
		paused,
		done,
		spent,
		answer: done.values.messages.at(-1)?.content,
	};
}
