// The agent of agent-sigkill.test.ts: `createAgent` with a scripted tool-calling model, two tools (one
// gated by an approval) and a short lease, as a user builds it. The model's answer depends only on the
// conversation it is given (how many AI messages it holds), so a new process goes on where the last one
// stopped. Each model call and each tool effect is journaled (journal.ts) with its turn or tool-call id.
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import type { Checkpointer } from "@weft/checkpoint";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { z } from "zod";
import { record } from "./journal.ts";

/** Model turns of a thread: the last one answers without tool calls. */
export const TURNS = 6;

/** The tool calls of turn `k` (ids `<thread>_c<k>_<i>`); `send_email` needs approval. */
export function turnCalls(
	threadId: string,
	k: number,
): Array<{
	name: "lookup" | "send_email";
	id: string;
	args: Record<string, string>;
}> {
	const id = (i: number) => `${threadId}_c${k}_${i}`;
	const lookup = (i: number) => ({
		name: "lookup" as const,
		id: id(i),
		args: { name: `p${k}${i}` },
	});
	const mail = (i: number) => ({
		name: "send_email" as const,
		id: id(i),
		args: { to: `p${k}${i}@example.com`, body: `turn ${k} mail ${i}` },
	});
	switch (k) {
		case 0:
			return [lookup(0), lookup(1)]; // two ungated calls in parallel
		case 1:
			return [mail(0), lookup(1)]; // a gated call and one that waits with it
		case 2:
			return [lookup(0)];
		case 3:
			return [mail(0), mail(1)]; // two gated calls: a decision per id
		case 4:
			return [mail(0)];
		default:
			return [];
	}
}

/** The tokens turn `k`'s model call reports: a thread's usage counts each turn once, however often it was killed. */
export const turnUsage = (k: number) => ({ input: 100 + k, output: 1 });

/** The id of turn `k`'s AI message. */
export const turnId = (threadId: string, k: number) => `${threadId}_m${k}`;

export interface AgentOptions {
	journal: string;
	/**
	 * Most ms a model call waits (random), so kills land inside it too; a tool waits up to four times as
	 * long, so one of two parallel calls is often saved while the other still runs.
	 */
	delayMs: number;
	leaseTtlMs?: number | undefined;
}

const wait = (maxMs: number) =>
	new Promise((r) => setTimeout(r, Math.random() * maxMs));

export function agentGraph(checkpointer: Checkpointer, options: AgentOptions) {
	const { journal, delayMs } = options;
	const lookup = tool(
		async ({ name }, config) => {
			const id = (config as { toolCall?: { id?: string } }).toolCall?.id;
			record(journal, "effect", `${threadOf(id)}|${id}|${name}`);
			await wait(4 * delayMs);
			return `${name}@example.com`;
		},
		{
			name: "lookup",
			description: "Finds an address",
			schema: z.object({ name: z.string() }),
		},
	);
	const sendEmail = tool(
		async ({ to, body }, config) => {
			const id = (config as { toolCall?: { id?: string } }).toolCall?.id;
			record(journal, "effect", `${threadOf(id)}|${id}|${to} ${body}`);
			await wait(4 * delayMs);
			return `sent to ${to}`;
		},
		{
			name: "send_email",
			description: "Sends an email",
			schema: z.object({ to: z.string(), body: z.string() }),
		},
	);
	const model = new ScriptedChatModel({
		model: "scripted-chaos",
		repeatLast: true,
		replies: [
			async (call) => {
				const threadId = String(
					call.messages.find((m) => m.getType() === "human")?.content,
				);
				const k = aiCount(call.messages);
				record(journal, "model", `${threadId}|m${k}`);
				await wait(delayMs);
				const calls = turnCalls(threadId, k);
				const usage = turnUsage(k);
				return calls.length === 0
					? { id: turnId(threadId, k), content: `done after ${k} turns`, usage }
					: { id: turnId(threadId, k), toolCalls: calls, usage };
			},
		],
	});
	return createAgent({
		model,
		tools: [lookup, sendEmail],
		approve: ["send_email"],
		checkpointer,
		leaseTtlMs: options.leaseTtlMs,
		stream: false,
	});
}

/** The thread of a tool-call id (`<thread>_c<k>_<i>`). */
function threadOf(id: string | undefined): string {
	return (id ?? "?").replace(/_c\d+_\d+$/, "");
}

function aiCount(list: readonly BaseMessage[]): number {
	return list.filter((m) => AIMessage.isInstance(m)).length;
}
