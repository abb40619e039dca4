// The W3/W4 agent loop on LangGraph.js, with its standard messages reducer (MessagesAnnotation).
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import {
	Annotation,
	type BaseCheckpointSaver,
	END,
	MessagesAnnotation,
	START,
	StateGraph,
} from "@langchain/langgraph";
import { text } from "../measure.ts";

const State = Annotation.Root({
	...MessagesAnnotation.spec,
	loops: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
	maxLoops: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
});

export function agentLoop(
	checkpointer: BaseCheckpointSaver,
	onNode: () => void = () => {},
) {
	return new StateGraph(State)
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
		.compile({ checkpointer });
}

export const firstInput = (maxLoops: number) => ({
	messages: [new HumanMessage(text("user request:"))],
	loops: 0,
	maxLoops,
});

export const humanMessage = (content: string) => new HumanMessage(content);
