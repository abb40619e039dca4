import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages() });
const input = { messages: [new HumanMessage("hi")] };

describe("model failures in an llmNode", () => {
	it("a 429 fails the node and the node's retry policy calls the model again", async () => {
		const model = new ScriptedChatModel([
			{ fail: "rate-limit", retryAfterSeconds: 1 },
			{ fail: "server" },
			"finally",
		]);
		const graph = new StateGraph(State)
			.addNode("llm", llmNode({ model }), {
				retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false },
			})
			.addEdge(START, "llm")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const result = await graph.run(input, { threadId: "r" });
		expect(result.values.messages.at(-1)?.content).toBe("finally");
		expect(model.calls).toHaveLength(3);
		expect(result.usage.calls).toBe(1); // failed calls report no usage
	});

	it("without retries the provider error fails the run, with its status kept", async () => {
		const model = new ScriptedChatModel([
			{ fail: "bad-request", message: "context too long" },
		]);
		const graph = new StateGraph(State)
			.addNode("llm", llmNode({ model }))
			.addEdge(START, "llm")
			.compile();
		const error = await graph.invoke(input).catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: "NODE_FAILED",
			node: "llm",
			cause: { status: 400, message: "context too long" },
		});
	});

	it("a hanging model is cut by the node's timeout", async () => {
		const model = new ScriptedChatModel([{ fail: "hang" }]);
		const graph = new StateGraph(State)
			.addNode("llm", llmNode({ model }), { timeoutMs: 20 })
			.addEdge(START, "llm")
			.compile();
		await expect(graph.invoke(input)).rejects.toMatchObject({
			code: "NODE_TIMEOUT",
		});
	});

	it("a cancelled run stops a streaming call", async () => {
		const model = new ScriptedChatModel([
			{ content: "slow answer", delayMs: 10_000 },
		]);
		const graph = new StateGraph(State)
			.addNode("llm", llmNode({ model }))
			.addEdge(START, "llm")
			.compile();
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 10);
		const started = Date.now();
		const result = await graph.run(input, { signal: controller.signal });
		expect(result.status).toBe("cancelled");
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});
