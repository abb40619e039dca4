import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { estimateTokens, tokenCounterFor } from "@weft/models";
import { describe, expect, it } from "vitest";

describe("token counting", () => {
	it("estimates ~4 characters a token, plus images and tool calls", () => {
		expect(estimateTokens([new HumanMessage("x".repeat(40))])).toBe(14);
		const image = new HumanMessage({
			content: [{ type: "image_url", image_url: { url: "data:," } }],
		});
		expect(estimateTokens([image])).toBe(765 + 4);
		const call = new AIMessage({
			content: "",
			tool_calls: [{ name: "f", args: { a: 1 }, id: "1", type: "tool_call" }],
		});
		expect(estimateTokens([call])).toBe(Math.ceil('f{"a":1}'.length / 4) + 4);
		expect(estimateTokens([])).toBe(0);
	});

	it("uses the model's BPE encoding for OpenAI ids and the estimate for others", async () => {
		expect(tokenCounterFor("claude-sonnet-4-5")).toBe(estimateTokens);
		const o200k = await tokenCounterFor("openai:gpt-4o-mini")([
			new HumanMessage("hello world"),
		]);
		const cl100k = await tokenCounterFor("gpt-4-turbo")([
			new HumanMessage("hello world"),
		]);
		expect(o200k).toBe(2 + 4);
		expect(cl100k).toBe(2 + 4);
	});
});
