// Found from outside (7 Dec, telemetry probe): a chat model that reports its usage only in
// response_metadata (LangChain's older `tokenUsage`, or the provider's own `usage` block passed through),
// as older and community LangChain models do, counted zero tokens in run().usage and gave no
// gen_ai.usage.* attributes, and a router estimated them with its tokenizer. `messageUsage`
// (@weft/checkpoint) now reads those forms where usage_metadata is absent, for llmNode and the router alike.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { messageUsage } from "@weft/checkpoint";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { llmNode, messages } from "@weft/graph/llm";
import { ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** A chat model whose answers carry usage only in the response_metadata given. */
class MetadataUsageModel extends BaseChatModel {
	model = "gpt-4o-mini";
	constructor(private readonly reported: Record<string, unknown>) {
		super({});
	}
	_llmType() {
		return "metadata-usage";
	}
	async _generate() {
		const message = new AIMessage({
			content: "hi",
			response_metadata: this.reported,
		});
		return { generations: [{ text: "hi", message }] };
	}
}

const FORMS: [string, Record<string, unknown>][] = [
	[
		"tokenUsage",
		{
			tokenUsage: { promptTokens: 100, completionTokens: 5, totalTokens: 105 },
		},
	],
	[
		"usage (prompt/completion)",
		{ usage: { prompt_tokens: 100, completion_tokens: 5 } },
	],
	["usage (input/output)", { usage: { input_tokens: 100, output_tokens: 5 } }],
];

async function runUsage(model: BaseChatModel) {
	const graph = new StateGraph(z.object({ messages: messages() }))
		.addNode("chat", llmNode({ model }))
		.addEdge(START, "chat")
		.compile({ checkpointer: new MemoryCheckpointer() });
	const run = await graph.run(
		{ messages: [new HumanMessage("x")] },
		{ threadId: "t" },
	);
	return { run: run.usage, thread: await graph.getUsage({ threadId: "t" }) };
}

describe("usage reported only in response_metadata", () => {
	it("messageUsage reads usage_metadata first, then the older forms; unreadable counts are none", () => {
		const own = { input_tokens: 1, output_tokens: 2, total_tokens: 3 };
		expect(
			messageUsage({
				usage_metadata: own,
				response_metadata: {
					tokenUsage: { promptTokens: 9, completionTokens: 9 },
				},
			}),
		).toBe(own);
		for (const [label, metadata] of FORMS)
			expect(messageUsage({ response_metadata: metadata }), label).toEqual({
				input_tokens: 100,
				output_tokens: 5,
				total_tokens: 105,
			});
		for (const odd of [
			{
				response_metadata: {
					tokenUsage: { promptTokens: -1, completionTokens: 5 },
				},
			},
			{ response_metadata: { usage: "100" } },
			{ response_metadata: { tokenUsage: { totalTokens: 10 } } },
			{ response_metadata: null },
			{},
			null,
		])
			expect(messageUsage(odd), JSON.stringify(odd)).toBeUndefined();
	});

	for (const [label, metadata] of FORMS) {
		it(`${label}: llmNode counts it in the run's and the thread's usage`, async () => {
			const { run, thread } = await runUsage(new MetadataUsageModel(metadata));
			expect(run).toMatchObject({
				inputTokens: 100,
				outputTokens: 5,
				totalTokens: 105,
			});
			expect(thread).toMatchObject({
				inputTokens: 100,
				outputTokens: 5,
				calls: 1,
			});
		});

		it(`${label}: a router takes it as reported, not estimated`, async () => {
			const router = new ModelRouter({
				models: { "gpt-4o-mini": new MetadataUsageModel(metadata) },
			});
			const { run } = await runUsage(router);
			expect(run).toMatchObject({ inputTokens: 100, outputTokens: 5 });
			expect(router.usage.calls().every((r) => !r.counted)).toBe(true);
			expect(router.usage.totals()).toMatchObject({
				inputTokens: 100,
				outputTokens: 5,
				totalTokens: 105,
			});
		});
	}
});
