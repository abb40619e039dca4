import { ChatPromptTemplate } from "@langchain/core/prompts";
import { MemoryCheckpointer } from "@weft/graph";
import { promptChain, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const Facts = z.object({ facts: z.array(z.string()).min(1) });

describe("promptChain", () => {
	it("feeds each step's output into the next, text and structured", async () => {
		const model = new ScriptedChatModel([
			"1. Source 2. Delta",
			'```json\n{ "facts": ["long", "wide"] }\n```',
			"A long, wide river.",
		]);
		const chain = promptChain({
			model,
			input: z.object({ topic: z.string() }),
			system: "Be brief.",
		})
			.step("outline", (s) => `Outline ${s.topic}`)
			.step("facts", (s) => `Facts for: ${s.outline}`, { output: Facts })
			.step(
				"draft",
				ChatPromptTemplate.fromTemplate("Write on {topic} with {facts}"),
			)
			.compile({ checkpointer: new MemoryCheckpointer() });
		const out = await chain.invoke({ topic: "the Nile" }, { threadId: "c" });
		expect(out).toEqual({
			topic: "the Nile",
			outline: "1. Source 2. Delta",
			facts: { facts: ["long", "wide"] },
			draft: "A long, wide river.",
		});
		expect(model.calls[1]?.messages.map((m) => m.content)).toEqual([
			"Be brief.",
			"Facts for: 1. Source 2. Delta",
			expect.stringContaining("JSON Schema"),
		]);
		expect(model.calls[2]?.messages.at(-1)?.content).toBe(
			'Write on the Nile with {"facts":["long","wide"]}',
		);
		const history = [];
		for await (const s of chain.getStateHistory({ threadId: "c" }))
			history.push(s.next);
		expect(history).toContainEqual(["outline"]);
	});

	it("repairs a bad structured answer once by telling the model what was wrong", async () => {
		const model = new ScriptedChatModel([
			"Sure! Here: {facts: nope}",
			'{ "facts": ["ok"] }',
		]);
		const chain = promptChain({ model, input: z.object({ q: z.string() }) })
			.step("facts", (s) => s.q, { output: Facts })
			.compile();
		const out = await chain.invoke({ q: "facts?" });
		expect(out.facts).toEqual({ facts: ["ok"] });
		const repair = model.calls[1]!.messages;
		expect(repair.at(-3)?.content).toMatch(/JSON Schema/); // the format is still stated
		expect(repair.at(-2)?.content).toBe("Sure! Here: {facts: nope}");
		expect(repair.at(-1)?.content).toMatch(/not valid JSON/);
	});

	it("fails the step with ValidationError when the repair is bad too", async () => {
		const model = new ScriptedChatModel(['{ "facts": [] }', '{ "facts": 3 }']);
		const chain = promptChain({ model, input: z.object({ q: z.string() }) })
			.step("facts", (s) => s.q, { output: Facts })
			.compile();
		const error = await chain.invoke({ q: "x" }).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "VALIDATION_FAILED", node: "facts" });
		expect(model.calls[1]?.messages.at(-1)?.content).toMatch(
			/facts: Too small/i,
		);
	});

	it("uses the model's withStructuredOutput with method native", async () => {
		const model = new ScriptedChatModel([
			{ toolCalls: [{ name: "extract", args: { facts: [] } }] },
			{
				toolCalls: [{ name: "extract", args: { facts: ["deep"] } }],
				usage: { input: 3, output: 2 },
			},
		]);
		const chain = promptChain({ model, input: z.object({ q: z.string() }) })
			.step("facts", (s) => s.q, { output: Facts, method: "native" })
			.compile();
		const result = await chain.run({ q: "x" });
		expect(result.values.facts).toEqual({ facts: ["deep"] });
		expect(model.calls[0]?.tools).toEqual(["extract"]);
		expect(result.usage.calls).toBe(2);
	});
});
