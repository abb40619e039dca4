// With content capture on, `gen_ai.input.messages` follows the GenAI semantic conventions' parts: a tool's
// answer (`role: "tool"`) is a `tool_call_response` part naming the tool call it answers.
import { HumanMessage } from "@langchain/core/messages";
import { configureTelemetry, MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addThenAnswer, makeTools } from "../llm/fixtures.ts";
import { startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
	configureTelemetry({ captureContent: true });
});
afterAll(async () => {
	configureTelemetry({ captureContent: false });
	await otel.stop();
});
afterEach(() => otel.reset());

interface Message {
	role: string;
	parts: Array<Record<string, unknown>>;
}

describe("captured input messages", () => {
	it("a tool's answer is a tool_call_response part with the tool call's id", async () => {
		const { add } = makeTools();
		const agent = createAgent({
			model: addThenAnswer(),
			tools: [add],
			checkpointer: new MemoryCheckpointer(),
			name: "calc",
		});
		await agent.run(
			{ messages: [new HumanMessage("What is 1 + 2?")] },
			{ threadId: "parts" },
		);
		const second = otel.spans().filter((s) => s.name === "chat gpt-test")[1]!;
		const input = JSON.parse(
			second.attributes["gen_ai.input.messages"] as string,
		) as Message[];
		const call = input
			.find((m) => m.role === "assistant")!
			.parts.find((p) => p.type === "tool_call")!;
		expect(call).toMatchObject({ name: "add", arguments: { a: 1, b: 2 } });
		expect(call.id).toEqual(expect.any(String));
		const tool = input.find((m) => m.role === "tool")!;
		expect(tool.parts).toEqual([
			{ type: "tool_call_response", id: call.id, response: "3" },
		]);
		expect(input[0]).toEqual({
			role: "user",
			parts: [{ type: "text", content: "What is 1 + 2?" }],
		});
	});
});
