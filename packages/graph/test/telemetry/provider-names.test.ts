// A chat span's `gen_ai.provider.name` is the GenAI conventions' well-known value when one applies (the
// conventions say it MUST be used), whatever LangChain's `_llmType()` calls the provider; another
// provider's name is kept as LangChain gives it.
import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { one, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

/** A scripted model that names its provider as a LangChain integration does. */
class ProviderModel extends ScriptedChatModel {
	constructor(readonly llmType: string) {
		super({ model: "m", replies: ["ok"] });
	}
	override _llmType(): string {
		return this.llmType;
	}
}

it.each([
	["openai", "openai"],
	["anthropic", "anthropic"],
	["azure_openai", "azure.ai.openai"],
	["googlegenerativeai", "gcp.gemini"],
	["vertexai", "gcp.vertex_ai"],
	["googlevertexai", "gcp.vertex_ai"],
	["amazon_bedrock_converse", "aws.bedrock"],
	["bedrock", "aws.bedrock"],
	["mistral_ai", "mistral_ai"],
	["mistralai", "mistral_ai"],
	["xai", "x_ai"],
	["groq", "groq"],
	["deepseek", "deepseek"],
	["cohere", "cohere"],
	["ollama", "ollama"],
	["scripted", "scripted"],
])("LangChain's %s is %s", async (llmType, expected) => {
	const graph = new StateGraph(z.object({ messages: messages() }))
		.addNode(
			"llm",
			llmNode({ model: new ProviderModel(llmType), stream: false }),
		)
		.addEdge(START, "llm")
		.compile({ checkpointer: new MemoryCheckpointer(), name: "g" });
	await graph.run(
		{ messages: [new HumanMessage("hi")] },
		{ threadId: llmType },
	);
	expect(one(otel.spans(), "chat m").attributes["gen_ai.provider.name"]).toBe(
		expected,
	);
});
