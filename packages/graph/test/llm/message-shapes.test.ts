import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { messages } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const graph = new StateGraph(z.object({ messages: messages() }))
	.addNode("echo", () => ({}))
	.addEdge(START, "echo")
	.compile({ checkpointer: new MemoryCheckpointer() });

describe("messages() accepts the common message shapes", () => {
	it("turns { role, content }, LangChain's serialized form and a string into messages", async () => {
		const serialized = JSON.parse(
			JSON.stringify(new AIMessage({ content: "from JSON", id: "j1" })),
		);
		const r = await graph.run(
			{
				messages: [
					{ role: "user", content: "hello" },
					{ role: "assistant", content: "hi" },
					serialized,
					"a user turn",
				],
			},
			{ threadId: "shapes" },
		);
		const [user, assistant, revived, text] = r.values.messages;
		expect(user).toBeInstanceOf(HumanMessage);
		expect(assistant).toBeInstanceOf(AIMessage);
		expect(revived).toBeInstanceOf(AIMessage);
		expect(revived?.id).toBe("j1");
		expect(revived?.content).toBe("from JSON");
		expect(text).toBeInstanceOf(HumanMessage);
		expect(r.values.messages.every((m) => typeof m.id === "string")).toBe(true);
	});

	it("keeps tool messages and rejects what is no message, naming it", async () => {
		// the call it answers comes first: an answer to no call is refused (decision 0235)
		const call = { id: "c1", name: "t", args: {}, type: "tool_call" };
		const r = await graph.run(
			{
				messages: [
					{ role: "assistant", content: "", tool_calls: [call] },
					{ role: "tool", content: "42", tool_call_id: "c1" },
				],
			},
			{ threadId: "tool" },
		);
		expect(r.values.messages[1]).toBeInstanceOf(ToolMessage);
		const error = await graph
			.run({ messages: [{ nope: true }] as never }, { threadId: "bad" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
		expect(String((error as Error).message)).toContain("expected a message");
	});
});
