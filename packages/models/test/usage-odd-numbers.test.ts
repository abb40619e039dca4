// Found from outside (7 Dec): a provider's odd usage numbers poisoned every total. usage_metadata without
// input_tokens (LangChain's total then NaN) made the router's totals NaN for good; numbers sent as strings
// ("100") were concatenated (a thread's input '001000100'); a missing total_tokens made the router's total
// NaN. One reader (`readUsage`, @weft/checkpoint) now serves the router, llmNode and so every view.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { readUsage } from "@weft/checkpoint";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { llmNode, messages } from "@weft/graph/llm";
import { ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** A chat model whose answers carry the usage_metadata given, as a provider sent it. */
class OddUsageModel extends BaseChatModel {
	model = "gpt-4o-mini";
	constructor(private readonly usage: unknown) {
		super({});
	}
	_llmType() {
		return "odd-usage";
	}
	async _generate() {
		const message = new AIMessage({ content: "hi" });
		(message as { usage_metadata?: unknown }).usage_metadata = this.usage;
		return { generations: [{ text: "hi", message }] };
	}
}

const State = z.object({ messages: messages() });

/** Two runs on one thread through `model`; what each view says. */
async function views(model: BaseChatModel, stream: boolean) {
	const graph = new StateGraph(State)
		.addNode("chat", llmNode({ model, stream }))
		.addEdge(START, "chat")
		.compile({ checkpointer: new MemoryCheckpointer() });
	const first = await graph.run(
		{ messages: [new HumanMessage("x")] },
		{ threadId: "t" },
	);
	const second = await graph.run(
		{ messages: [new HumanMessage("y")] },
		{ threadId: "t" },
	);
	const thread = await graph.getUsage({ threadId: "t" });
	return { first: first.usage, second: second.usage, thread };
}

function expectCounts(u: {
	inputTokens: unknown;
	outputTokens: unknown;
	totalTokens: unknown;
	costUsd?: unknown;
}) {
	for (const n of [u.inputTokens, u.outputTokens, u.totalTokens])
		expect(Number.isSafeInteger(n) && (n as number) >= 0, String(n)).toBe(true);
	expect(u.totalTokens).toBe(
		(u.inputTokens as number) + (u.outputTokens as number),
	);
	if (u.costUsd !== undefined)
		expect(Number.isFinite(u.costUsd), String(u.costUsd)).toBe(true);
}

describe("a provider's odd usage numbers", () => {
	it("readUsage: well-formed usage as it is; numeric strings and a missing or wrong total read; the unreadable is none", () => {
		const good = {
			input_tokens: 10,
			output_tokens: 5,
			total_tokens: 15,
			input_token_details: { cache_read: 4 },
		};
		expect(readUsage(good)).toBe(good);
		expect(
			readUsage({
				input_tokens: "100",
				output_tokens: "5",
				total_tokens: "105",
			}),
		).toEqual({ input_tokens: 100, output_tokens: 5, total_tokens: 105 });
		expect(readUsage({ input_tokens: 100, output_tokens: 5 })).toEqual({
			input_tokens: 100,
			output_tokens: 5,
			total_tokens: 105,
		});
		expect(
			readUsage({ input_tokens: 100, output_tokens: 5, total_tokens: 7 }),
		).toMatchObject({ total_tokens: 105 });
		expect(
			readUsage({
				input_tokens: 10,
				output_tokens: 5,
				total_tokens: 15,
				input_token_details: { cache_read: "4", cache_creation: -1 },
			}),
		).toEqual({
			input_tokens: 10,
			output_tokens: 5,
			total_tokens: 15,
			input_token_details: { cache_read: 4 },
		});
		for (const odd of [
			{ input_tokens: undefined, output_tokens: 7, total_tokens: Number.NaN },
			{ input_tokens: -5, output_tokens: 7, total_tokens: 2 },
			{ input_tokens: 1e300, output_tokens: 7, total_tokens: 1e300 },
			{ input_tokens: "many", output_tokens: 7 },
			{ input_tokens: 3, output_tokens: Number.POSITIVE_INFINITY },
			null,
			"100",
			undefined,
		])
			expect(readUsage(odd), JSON.stringify(odd)).toBeUndefined();
	});

	const cases: [string, unknown][] = [
		["input_tokens missing", { output_tokens: 7, total_tokens: Number.NaN }],
		[
			"numbers as strings",
			{ input_tokens: "100", output_tokens: "5", total_tokens: "105" },
		],
		["total_tokens missing", { input_tokens: 100, output_tokens: 5 }],
		["negative", { input_tokens: -100, output_tokens: 5, total_tokens: -95 }],
		["1e300", { input_tokens: 1e300, output_tokens: 5, total_tokens: 1e300 }],
	];
	for (const stream of [false, true])
		for (const [label, usage] of cases)
			it(`${label}: the run's, the thread's and the router's usage are counts that agree (stream: ${stream})`, async () => {
				const router = new ModelRouter({
					models: { "gpt-4o-mini": new OddUsageModel(usage) },
				});
				const { first, second, thread } = await views(router, stream);
				const totals = router.usage.totals();
				for (const u of [first, second, thread, totals]) expectCounts(u);
				expect(thread).toMatchObject({
					inputTokens: first.inputTokens + second.inputTokens,
					outputTokens: first.outputTokens + second.outputTokens,
					calls: 2,
				});
				expect(totals).toMatchObject({
					inputTokens: thread.inputTokens,
					outputTokens: thread.outputTokens,
					totalTokens: thread.totalTokens,
					calls: 2,
				});
				expect(totals.costUsd).toBeCloseTo(thread.costUsd!, 12);
				if (
					label !== "input_tokens missing" &&
					label !== "negative" &&
					label !== "1e300"
				)
					expect(thread).toMatchObject({
						inputTokens: 200,
						outputTokens: 10,
						totalTokens: 210,
					});
				// unreadable: counted by the router, as when a provider reports nothing
				else expect(router.usage.calls().every((r) => r.counted)).toBe(true);
			});

	it("llmNode without a router reads a provider's usage the same way", async () => {
		const { first, thread } = await views(
			new OddUsageModel({
				input_tokens: "100",
				output_tokens: "5",
				total_tokens: "105",
			}),
			false,
		);
		expect(first).toMatchObject({
			inputTokens: 100,
			outputTokens: 5,
			totalTokens: 105,
		});
		expect(thread).toMatchObject({
			inputTokens: 200,
			outputTokens: 10,
			totalTokens: 210,
		});
		const none = await views(
			new OddUsageModel({ output_tokens: 7, total_tokens: Number.NaN }),
			false,
		);
		expectCounts(none.thread);
	});
});
