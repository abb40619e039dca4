import { AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import { START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages() });

function graphOf(model: ScriptedChatModel, stream = true) {
	return new StateGraph(State)
		.addNode("llm", llmNode({ model, stream }))
		.addEdge(START, "llm")
		.compile();
}

describe("llmNode streaming and usage", () => {
	it("streams tokens as message events that add up to the stored answer", async () => {
		const model = new ScriptedChatModel([
			{
				content: "Weft weaves graphs",
				chunks: ["We", "ft ", "weaves ", "graphs"],
			},
		]);
		const chunks: unknown[] = [];
		let last: unknown;
		for await (const ev of graphOf(model).stream(
			{ messages: [new HumanMessage("hi")] },
			{ mode: ["messages", "values"] },
		)) {
			if (ev.type === "message") {
				expect(ev.node).toBe("llm");
				chunks.push(ev.chunk);
			}
			if (ev.type === "values") last = ev.data;
		}
		expect(chunks.every((c) => AIMessageChunk.isInstance(c))).toBe(true);
		expect(chunks.map((c) => (c as AIMessageChunk).content).join("")).toBe(
			"Weft weaves graphs",
		);
		expect(
			(last as { messages: HumanMessage[] }).messages.at(-1)?.content,
		).toBe("Weft weaves graphs");
	});

	it("calls invoke instead of stream when streaming is off", async () => {
		const model = new ScriptedChatModel(["plain"]);
		const out = await graphOf(model, false).invoke({
			messages: [new HumanMessage("hi")],
		});
		expect(model.calls[0]?.streamed).toBe(false);
		expect(out.messages.at(-1)?.content).toBe("plain");
	});

	it("adds the answer's token usage to the run, by model and node", async () => {
		const model = new ScriptedChatModel({
			replies: [{ content: "x", usage: { input: 10, output: 4, cached: 6 } }],
			model: "gpt-test",
		});
		const result = await graphOf(model).run({
			messages: [new HumanMessage("hi")],
		});
		expect(result.usage).toMatchObject({
			inputTokens: 10,
			outputTokens: 4,
			totalTokens: 14,
			cachedTokens: 6,
			calls: 1,
		});
		expect(result.usage.byModel["gpt-test"]).toMatchObject({
			inputTokens: 10,
			outputTokens: 4,
		});
		expect(result.usage.byNode.llm).toMatchObject({ calls: 1 });
		expect(result.usage.costUsd).toBeUndefined();
	});

	it("takes model and cost from @weft/models metadata and reports it as a model event", async () => {
		const weft = {
			model: "cheap-model",
			costUsd: 0.002,
			cache: "miss",
			route: "short",
			attempts: 2,
		};
		const model = new ScriptedChatModel([
			{
				content: "x",
				usage: { input: 3, output: 2 },
				responseMetadata: { weft },
			},
		]);
		const events: unknown[] = [];
		let usage: unknown;
		for await (const ev of graphOf(model).stream(
			{ messages: [new HumanMessage("hi")] },
			{ mode: "custom" },
		)) {
			if (ev.type === "custom") events.push(ev.data);
			if (ev.type === "end") usage = ev.result.usage;
		}
		expect(events).toEqual([{ kind: "model", ...weft }]);
		expect(usage).toMatchObject({
			costUsd: 0.002,
			byModel: { "cheap-model": { costUsd: 0.002, inputTokens: 3 } },
		});
	});

	// Noticed with decision 0232: `response_metadata.weft` is @weft/models' block, but any model can put
	// one there; a cost that is not a number reached the run's totals (NaN for good), a model name that is
	// not text keyed them
	for (const [name, weft] of [
		["a NaN cost and a numeric model", { model: 42, costUsd: Number.NaN }],
		["a negative cost", { model: "m", costUsd: -1 }],
		["a string cost", { costUsd: "0.5" }],
		["a block that is not an object", "weft"],
	] as const)
		it(`reads a foreign weft block with ${name} as no cost and no model name`, async () => {
			const model = new ScriptedChatModel({
				replies: [
					{
						content: "x",
						usage: { input: 3, output: 2 },
						responseMetadata: { weft },
					},
				],
				model: "gpt-test",
			});
			const result = await graphOf(model).run({
				messages: [new HumanMessage("hi")],
			});
			expect(result.usage.costUsd).toBeUndefined();
			expect(Object.keys(result.usage.byModel)).toEqual([
				typeof weft === "object" && typeof weft.model === "string"
					? weft.model
					: "gpt-test",
			]);
			expect(result.usage.inputTokens).toBe(3);
		});
});
