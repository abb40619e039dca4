// The GenAI conventions' client metrics, as a user's SDK reads them: `gen_ai.client.token.usage`
// requires `gen_ai.provider.name`, `gen_ai.client.operation.duration` requires it when the operation
// calls a provider (a chat call does), and an instrumentation that cannot obtain a call's token counts
// MUST NOT report the usage metric (so a `chat` span does not claim 0 tokens either).
import { HumanMessage } from "@langchain/core/messages";
import { configureTelemetry, MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countOf, one, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());

const ask = { messages: [new HumanMessage("hi")] };

/** A scripted model that names its provider as a LangChain integration does. */
class OpenAiLike extends ScriptedChatModel {
	override _llmType(): string {
		return "openai";
	}
}

function agent(model: ScriptedChatModel, name: string) {
	return createAgent({ model, checkpointer: new MemoryCheckpointer(), name });
}

describe("GenAI client metrics", () => {
	it("carry gen_ai.provider.name, as the chat span does", async () => {
		configureTelemetry({ captureContent: false });
		await agent(
			new OpenAiLike({
				model: "gpt-metrics",
				replies: [{ content: "hello", usage: { input: 7, output: 2 } }],
			}),
			"metrics",
		).run(ask, { threadId: "p1" });
		expect(
			one(otel.spans(), "chat gpt-metrics").attributes["gen_ai.provider.name"],
		).toBe("openai");
		const mine = (p: { attributes: Record<string, unknown> }) =>
			p.attributes["gen_ai.request.model"] === "gpt-metrics";
		const durations = (
			await otel.metric("gen_ai.client.operation.duration")
		).filter(mine);
		expect(durations).toHaveLength(1);
		expect(durations[0]!.attributes).toEqual({
			"gen_ai.operation.name": "chat",
			"gen_ai.provider.name": "openai",
			"gen_ai.request.model": "gpt-metrics",
			"gen_ai.response.model": "gpt-metrics",
		});
		const usage = (await otel.metric("gen_ai.client.token.usage")).filter(mine);
		expect(usage.map((p) => p.attributes["gen_ai.token.type"]).sort()).toEqual([
			"input",
			"output",
		]);
		for (const p of usage)
			expect(p.attributes["gen_ai.provider.name"]).toBe("openai");
	});

	it("a failed call's duration carries gen_ai.provider.name and error.type", async () => {
		await expect(
			agent(
				new OpenAiLike({
					model: "gpt-metrics-fails",
					replies: [{ fail: "bad-request" }],
				}),
				"metrics-fails",
			).run(ask, { threadId: "p2" }),
		).rejects.toThrow();
		const failed = (await otel.metric("gen_ai.client.operation.duration")).find(
			(p) => p.attributes["gen_ai.request.model"] === "gpt-metrics-fails",
		);
		expect(failed?.attributes).toMatchObject({
			"gen_ai.provider.name": "openai",
			"error.type": "ScriptedModelError",
		});
	});

	it("an answer without usage reports no token usage, and its span claims no token counts", async () => {
		await agent(
			new ScriptedChatModel({
				model: "gpt-no-usage",
				replies: [{ content: "hello", usage: false }],
			}),
			"no-usage",
		).run(ask, { threadId: "p3" });
		const chat = one(otel.spans(), "chat gpt-no-usage");
		expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeUndefined();
		expect(chat.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
		const mine = (p: { attributes: Record<string, unknown> }) =>
			p.attributes["gen_ai.request.model"] === "gpt-no-usage";
		// the call is still timed and counted
		const durations = (
			await otel.metric("gen_ai.client.operation.duration")
		).filter(mine);
		expect(durations.map(countOf)).toEqual([1]);
		expect(
			(await otel.metric("gen_ai.client.token.usage")).filter(mine),
		).toEqual([]);
	});
});
