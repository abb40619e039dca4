// The W3/W4 agent loop on Weft: agent → tools → (agent | end) over a chat-message list.
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { Checkpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { z } from "zod";
import { text } from "../measure.ts";
import { messagesChannel } from "./messages-channel.ts";

const AgentState = z.object({
	messages: messagesChannel(),
	loops: z.number().default(0),
	maxLoops: z.number(),
});

export function agentLoop(
	checkpointer: Checkpointer | undefined,
	onNode: () => void = () => {},
) {
	return new StateGraph(AgentState)
		.addNode("agent", (s) => {
			onNode();
			const k = s.loops + 1;
			return {
				messages: [
					new AIMessage({
						content: text(`agent turn ${k}:`),
						tool_calls: [
							{
								id: `call_${k}`,
								name: "lookup",
								args: { step: k },
								type: "tool_call",
							},
						],
					}),
				],
			};
		})
		.addNode("tools", (s) => {
			onNode();
			const k = s.loops + 1;
			return {
				messages: [
					new ToolMessage({
						content: text(`tool result ${k}:`),
						tool_call_id: `call_${k}`,
						name: "lookup",
					}),
				],
				loops: k,
			};
		})
		.addEdge(START, "agent")
		.addEdge("agent", "tools")
		.addConditionalEdges(
			"tools",
			(s) => (s.loops >= s.maxLoops ? END : "agent"),
			["agent", END],
		)
		.compile(checkpointer === undefined ? {} : { checkpointer });
}

export const firstInput = (maxLoops: number) => ({
	messages: [new HumanMessage(text("user request:"))],
	loops: 0,
	maxLoops,
});

export const humanMessage = (content: string) => new HumanMessage(content);

/**
 * W4's thread (250 loops) on `checkpointer` and the id of its checkpoint #100 (101 messages, the agent
 * due), where the workload reads and forks: for the scripts that profile that read.
 */
export async function w4CheckpointAt100(checkpointer: Checkpointer) {
	const loops = 250;
	const graph = agentLoop(checkpointer);
	const thread = { threadId: "w4" };
	await graph.invoke(firstInput(loops), {
		...thread,
		recursionLimit: 2 * loops + 10,
	});
	let at: string | undefined;
	for await (const s of graph.getStateHistory(thread))
		if (s.values.messages.length === 101 && s.next[0] === "agent")
			at = s.checkpointId;
	if (at === undefined) throw new Error("no checkpoint #100");
	return { graph, thread, at };
}
