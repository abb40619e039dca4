import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { makeTools } from "./fixtures.ts";

describe("createAgent loop", () => {
	it("calls tools until the model answers, keeping a checkpointed conversation", async () => {
		const { add, fail, calls } = makeTools();
		const model = new ScriptedChatModel([
			{
				toolCalls: [
					{ name: "add", args: { a: 2, b: 2 } },
					{ name: "fail", args: {} },
				],
				usage: { input: 5, output: 1 },
			},
			{
				toolCalls: [{ name: "add", args: { a: 4, b: 1 } }],
				usage: { input: 9, output: 1 },
			},
			{ content: "The answer is 5.", usage: { input: 12, output: 5 } },
		]);
		const agent = createAgent({
			model,
			tools: [add, fail],
			system: "Use tools.",
			checkpointer: new MemoryCheckpointer(),
		});
		const result = await agent.run(
			{ messages: [new HumanMessage("2+2, then +1")] },
			{ threadId: "a" },
		);
		expect(result.status).toBe("done");
		expect(result.values.messages.map((m) => m.getType())).toEqual([
			"human",
			"ai",
			"tool",
			"tool",
			"ai",
			"tool",
			"ai",
		]);
		expect(result.values.messages.at(-1)?.content).toBe("The answer is 5.");
		const failed = result.values.messages.find(
			(m) => ToolMessage.isInstance(m) && m.status === "error",
		);
		expect(failed?.content).toBe("Error: the service is down");
		expect(calls).toMatchObject({ add: 2, fail: 1 });
		expect(model.calls.map((c) => c.messages[0]?.content)).toEqual([
			"Use tools.",
			"Use tools.",
			"Use tools.",
		]);
		expect(result.usage).toMatchObject({
			inputTokens: 26,
			outputTokens: 7,
			calls: 3,
		});
		expect(result.usage.byNode.agent?.calls).toBe(3);
		// a follow-up on the same thread sees the whole conversation
		model.script("Still 5.");
		const next = await agent.invoke(
			{ messages: [new HumanMessage("sure?")] },
			{ threadId: "a" },
		);
		expect(next.messages).toHaveLength(9);
		expect(model.calls[3]?.messages).toHaveLength(9);
	});

	it("stops after maxSteps model calls with a note", async () => {
		const { add } = makeTools();
		const model = new ScriptedChatModel({
			replies: [{ toolCalls: [{ name: "add", args: { a: 1, b: 1 } }] }],
			repeatLast: true,
		});
		const agent = createAgent({ model, tools: [add], maxSteps: 3 });
		const out = await agent.invoke({ messages: [new HumanMessage("loop")] });
		expect(model.calls).toHaveLength(3);
		expect(out.messages.at(-1)?.content).toMatch(/stopped after 3 steps/);
	});

	it("streams the model's tokens from the agent node", async () => {
		const model = new ScriptedChatModel([{ content: "one two three" }]);
		const agent = createAgent({ model, tools: [], name: "helper" });
		const tokens: string[] = [];
		for await (const ev of agent.stream(
			{ messages: [new HumanMessage("count")] },
			{ mode: "messages" },
		))
			if (ev.type === "message")
				tokens.push(String((ev.chunk as { content: unknown }).content));
		expect(tokens.join("")).toBe("one two three");
		expect(agent.name).toBe("helper");
	});
});
