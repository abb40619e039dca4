import {
	AIMessage,
	type BaseMessage,
	HumanMessage,
	RemoveMessage,
} from "@langchain/core/messages";
import {
	type InferState,
	type InferUpdate,
	START,
	StateGraph,
} from "@weft/graph";
import { type MessagesUpdate, messages } from "@weft/graph/llm";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages(), n: z.number().default(0) });

describe("messages() types", () => {
	it("reads as BaseMessage[] and takes one message or several as an update", () => {
		const graph = new StateGraph(State)
			.addNode("a", (s) => {
				expectTypeOf(s.messages).toEqualTypeOf<BaseMessage[]>();
				return { messages: new AIMessage("x") };
			})
			.addNode("b", () => ({
				messages: [new HumanMessage("y"), new RemoveMessage({ id: "1" })],
			}))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.compile();
		expectTypeOf<InferState<typeof graph>["messages"]>().toEqualTypeOf<
			BaseMessage[]
		>();
		expectTypeOf<InferUpdate<typeof graph>["messages"]>().toEqualTypeOf<
			MessagesUpdate | undefined
		>();
	});

	it("accepts the common message shapes and rejects what is none", () => {
		new StateGraph(State)
			.addNode("text", () => ({ messages: "hi" }))
			.addNode("role", () => ({
				messages: [{ role: "user", content: "hi" }],
			}))
			.addEdge(START, "text")
			.addEdge("text", "role");
		new StateGraph(State)
			// @ts-expect-error a number is not a message
			.addNode("bad", () => ({ messages: 42 }))
			.addEdge(START, "bad");
	});
});
