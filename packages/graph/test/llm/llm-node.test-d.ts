import type {
	AIMessage,
	BaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { END, type NodeContext, START, StateGraph } from "@weft/graph";
import {
	llmNode,
	messages,
	ScriptedChatModel,
	toolNode,
	toolsCondition,
} from "@weft/graph/llm";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { makeTools } from "./fixtures.ts";

const State = z.object({ messages: messages(), topic: z.string() });
type S = z.output<typeof State>;
const model = new ScriptedChatModel([]);
const { add } = makeTools();

describe("llmNode types", () => {
	it("is a node of a messages state that returns AI messages", () => {
		const node = llmNode({ model, tools: [add], system: "x" });
		expectTypeOf(node).toEqualTypeOf<
			(
				state: { messages: BaseMessage[] },
				ctx: NodeContext,
			) => Promise<{ messages: AIMessage[] }>
		>();
		expectTypeOf(toolNode([add])).returns.resolves.toEqualTypeOf<{
			messages: ToolMessage[];
		}>();
		new StateGraph(State)
			.addNode("agent", node)
			.addNode("tools", toolNode([add]))
			.addEdge(START, "agent")
			.addConditionalEdges("agent", toolsCondition)
			.addEdge("tools", END)
			.compile();
	});

	it("types prompt and system functions by the state it is given", () => {
		llmNode<S>({
			model,
			prompt: (s) => {
				expectTypeOf(s.topic).toEqualTypeOf<string>();
				return `About ${s.topic}`;
			},
			system: (s) => s.topic,
		});
		llmNode<S>({ model, prompt: ChatPromptTemplate.fromTemplate("{topic}") });
		// @ts-expect-error the state has no "title"
		llmNode<S>({ model, prompt: (s) => s.title });
		// @ts-expect-error a prompt returns text or messages
		llmNode<S>({ model, prompt: () => 42 });
	});

	it("needs a model and a graph that has a tools node for toolsCondition", () => {
		// @ts-expect-error model is required
		llmNode({ tools: [add] });
		new StateGraph(State)
			.addNode("agent", llmNode({ model }))
			.addEdge(START, "agent")
			// @ts-expect-error toolsCondition routes to "tools", which this graph lacks
			.addConditionalEdges("agent", toolsCondition);
	});
});
