// An agent process for api-contract-llm.test.ts. Usage:
//   llm-agent-child.ts <sqlite file> <threadId> <start|resume> <journal file> [<script> | <resume JSON>]
// Builds the same createAgent in every process (scripted model, real tools, a SQLite checkpointer) and
// writes one journal line per model call and per tool run ("<pid> model <n>", "<pid> tool send_email
// {...}"), so the test sees which process called what. The model's answer depends on the conversation,
// not on the process's own call count: a new process goes on where the last one stopped. Scripts:
// "lookup-then-mail" (lookup_email, then send_email, then an answer), "both" (lookup_email and
// send_email in one message), "two-mails" (two send_email calls in one message).
// Prints one JSON line: { status, interrupts, messages, usage } or { error: { name, code, message } }.
import { appendFileSync } from "node:fs";
import {
	AIMessage,
	type BaseMessage,
	HumanMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, isWeftError } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { z } from "zod";

const [file, threadId, action, journal, arg] = process.argv.slice(2);
const note = (line: string) =>
	appendFileSync(journal!, `${process.pid} ${line}\n`);

const lookup = tool(
	async ({ name }) => {
		note(`tool lookup_email ${JSON.stringify({ name })}`);
		return `${name.toLowerCase()}@example.com`;
	},
	{
		name: "lookup_email",
		description: "Finds a colleague's email address",
		schema: z.object({ name: z.string() }),
	},
);
const sendEmail = tool(
	async ({ to, body }) => {
		note(`tool send_email ${JSON.stringify({ to, body })}`);
		return `sent to ${to}`;
	},
	{
		name: "send_email",
		description: "Sends an email",
		schema: z.object({ to: z.string().email(), body: z.string() }),
	},
);

const script = action === "start" ? arg! : "any";
const toolsSeen = (list: readonly BaseMessage[]) =>
	list.filter((m) => ToolMessage.isInstance(m)).length;

// one reply function, whatever the process: it reads the conversation it is given
const model = new ScriptedChatModel({
	model: "scripted-agent",
	repeatLast: true,
	replies: [
		(call) => {
			note(`model ${call.messages.length}`);
			const answered = toolsSeen(call.messages);
			const kind = String(
				call.messages.find((m) => HumanMessage.isInstance(m))?.content,
			);
			const mail = (id: string, body: string) => ({
				name: "send_email",
				id,
				args: { to: "bob@example.com", body },
			});
			const usage = { input: 100, output: 10 };
			if (kind === "lookup-then-mail") {
				if (answered === 0)
					return {
						toolCalls: [
							{ name: "lookup_email", id: "look1", args: { name: "Bob" } },
						],
						usage,
					};
				if (answered === 1)
					return { toolCalls: [mail("mail1", "Release on Friday")], usage };
			}
			if (kind === "both" && answered === 0)
				return {
					toolCalls: [
						{ name: "lookup_email", id: "look1", args: { name: "Bob" } },
						mail("mail1", "hello"),
					],
					usage,
				};
			if (kind === "two-mails" && answered === 0)
				return {
					toolCalls: [mail("mail1", "first"), mail("mail2", "second")],
					usage,
				};
			const last = call.messages.at(-1);
			return {
				content: `Done after: ${String(last?.content)}`,
				usage,
			};
		},
	],
});

const checkpointer = new SqliteCheckpointer({ path: file! });
const agent = createAgent({
	model,
	tools: [lookup, sendEmail],
	checkpointer,
	approve: ["send_email"],
	system: "You help with office tasks.",
});

const summary = (m: BaseMessage) => ({
	type: m.getType(),
	content: m.content,
	...(AIMessage.isInstance(m) && (m.tool_calls?.length ?? 0) > 0
		? {
				toolCalls: m.tool_calls!.map(({ id, name, args }) => ({
					id,
					name,
					args,
				})),
			}
		: {}),
	...(ToolMessage.isInstance(m)
		? { toolCallId: m.tool_call_id, status: m.status }
		: {}),
});

try {
	const result =
		action === "start"
			? await agent.run(
					{ messages: [new HumanMessage(script)] },
					{ threadId: threadId! },
				)
			: await agent.run(new Command({ resume: JSON.parse(arg!) }), {
					threadId: threadId!,
				});
	process.stdout.write(
		`${JSON.stringify({
			status: result.status,
			interrupts: result.interrupts,
			messages: result.values.messages.map(summary),
			usage: result.usage,
		})}\n`,
	);
} catch (error) {
	if (!isWeftError(error)) throw error;
	process.stdout.write(
		`${JSON.stringify({ error: { name: error.name, code: error.code, message: error.message } })}\n`,
	);
} finally {
	await checkpointer.close();
}
