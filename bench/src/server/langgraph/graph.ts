// The same W3 loop on LangGraph.js (MessagesAnnotation), for `langgraph dev` (the in-memory API server).
import {
	type AIMessage,
	type BaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import {
	Annotation,
	END,
	MessagesAnnotation,
	START,
	StateGraph,
} from "@langchain/langgraph";
import { lookup, ScriptedAgentModel } from "../../llm/scripted-agent-model.ts";

const State = Annotation.Root({
	...MessagesAnnotation.spec,
	turns: Annotation<number>({ reducer: (_a, b) => b, default: () => 3 }),
});

const lastCalls = (ms: BaseMessage[]) =>
	(ms.at(-1) as AIMessage | undefined)?.tool_calls ?? [];

export const w3 = new StateGraph(State)
	.addNode("agent", async (s) => ({
		messages: [await new ScriptedAgentModel(s.turns).invoke(s.messages)],
	}))
	.addNode("tools", async (s) => ({
		messages: await Promise.all(
			lastCalls(s.messages).map(
				async (call) =>
					new ToolMessage({
						content: String(await lookup.invoke(call.args as { step: number })),
						tool_call_id: call.id!,
						name: call.name,
					}),
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
	.compile();
