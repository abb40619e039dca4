import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ScriptedChatModel } from "@weft/graph/llm";
import { z } from "zod";

/** Tools used across the LLM layer's tests; `calls` counts real executions. */
export function makeTools() {
	const calls = {
		add: 0,
		send_email: 0,
		fail: 0,
		slow: 0,
		inFlight: 0,
		maxInFlight: 0,
	};
	const add = tool(
		async ({ a, b }) => {
			calls.add++;
			return String(a + b);
		},
		{
			name: "add",
			description: "adds two numbers",
			schema: z.object({ a: z.number(), b: z.number() }),
		},
	);
	const sendEmail = tool(
		async ({ to, body }) => {
			calls.send_email++;
			return `sent to ${to}: ${body}`;
		},
		{
			name: "send_email",
			description: "sends an email",
			schema: z.object({ to: z.string().email(), body: z.string() }),
		},
	);
	const fail = tool(
		async () => {
			calls.fail++;
			throw new Error("the service is down");
		},
		{ name: "fail", description: "always fails", schema: z.object({}) },
	);
	const slow = tool(
		async ({ ms }) => {
			calls.slow++;
			calls.maxInFlight = Math.max(calls.maxInFlight, ++calls.inFlight);
			await new Promise((r) => setTimeout(r, ms));
			calls.inFlight--;
			return `slept ${ms}`;
		},
		{
			name: "slow",
			description: "sleeps",
			schema: z.object({ ms: z.number() }),
		},
	);
	return { add, sendEmail, fail, slow, calls };
}

/** An AI message asking for tool calls. */
export function askTools(
	...calls: Array<{ name: string; args: Record<string, unknown>; id: string }>
): AIMessage {
	return new AIMessage({
		content: "",
		tool_calls: calls.map((c) => ({ ...c, type: "tool_call" as const })),
	});
}

export const contents = (list: readonly BaseMessage[]) =>
	list.map((m) => m.content);

/** A model that calls `add` with 1 and 2, then answers "The answer is 3." (usage reported on both replies). */
export function addThenAnswer(): ScriptedChatModel {
	return new ScriptedChatModel({
		model: "gpt-test",
		replies: [
			{
				toolCalls: [{ name: "add", args: { a: 1, b: 2 } }],
				usage: { input: 12, output: 5 },
			},
			{ content: "The answer is 3.", usage: { input: 20, output: 6 } },
		],
	});
}
