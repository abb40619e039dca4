// The server workload's graph on Weft: the W3 agent loop (agent → tools → agent … → end) where the agent
// asks the scripted model (no I/O) and the tools node runs its tool calls. Compiled without a
// checkpointer: `weft dev` / `weft worker` give it theirs.
import type { AIMessage, BaseMessage } from "@langchain/core/messages";
import { END, START, StateGraph } from "@weft/graph";
import { messages } from "@weft/graph/llm";
import { z } from "zod";
import { lookup, ScriptedAgentModel } from "../llm/scripted-agent-model.ts";

const State = z.object({
	messages: messages(),
	turns: z.number().default(3),
});

const lastCalls = (ms: BaseMessage[]) =>
	(ms.at(-1) as AIMessage | undefined)?.tool_calls ?? [];

export const w3 = new StateGraph(State)
	.addNode("agent", async (s) => ({
		messages: [await new ScriptedAgentModel(s.turns).invoke(s.messages)],
	}))
	.addNode("tools", async (s) => ({
		messages: await Promise.all(
			lastCalls(s.messages).map((call) =>
				lookup.invoke({ ...call, type: "tool_call" }),
			),
		),
	}))
	.addEdge(START, "agent")
	.addConditionalEdges(
		"agent",
		(s) => (lastCalls(s.messages).length > 0 ? "tools" : END),
		["tools", END],
	)
	.addEdge("tools", "agent")
	.compile({ name: "w3" });
