import { HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import {
	promptChain,
	ScriptedChatModel,
	structuredCall,
} from "@weft/graph/llm";
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

	it("asks the model again when the failed step runs again, instead of replaying the bad answers it saved", async () => {
		const model = new ScriptedChatModel(["nope", '{ "facts": 3 }']);
		const checkpointer = new MemoryCheckpointer();
		const chain = promptChain({ model, input: z.object({ q: z.string() }) })
			.step("facts", (s) => s.q, { output: Facts })
			.compile({ checkpointer });
		const threadId = "bad-answers";
		const failed = await chain
			.invoke({ q: "x" }, { threadId })
			.catch((e: unknown) => e);
		expect(failed).toMatchObject({ code: "VALIDATION_FAILED", node: "facts" });
		expect(model.calls).toHaveLength(2);
		// the saved bad answers are not replayed: the step asks again and takes the good answer (a graph
		// compiled anew, as in a new process, reads the thread from the store)
		model.script('{ "facts": ["a"] }');
		const again = promptChain({ model, input: z.object({ q: z.string() }) })
			.step("facts", (s) => s.q, { output: Facts })
			.compile({ checkpointer });
		expect(await again.invoke(null, { threadId })).toMatchObject({
			facts: { facts: ["a"] },
		});
		expect(model.calls).toHaveLength(3);
	});

	it("asks the model again on a node retry after a bad structured answer (retried by default)", async () => {
		const model = new ScriptedChatModel(["nope", "still nope", '{ "n": 1 }']);
		const graph = new StateGraph(
			z.object({ q: z.string(), n: z.number().optional() }),
		)
			.addNode(
				"extract",
				async (s, ctx) => ({
					n: (
						await structuredCall(
							ctx,
							model,
							[new HumanMessage(s.q)],
							z.object({ n: z.number() }),
						)
					).n,
				}),
				{ retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false } },
			)
			.addEdge(START, "extract")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const out = await graph.invoke({ q: "n?" }, { threadId: "retry" });
		expect(out.n).toBe(1);
		expect(model.calls).toHaveLength(3);
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

	describe("refuses a wrong step option where the step is added, naming the step", () => {
		const model = new ScriptedChatModel([]);
		const chain = promptChain({
			model,
			input: z.object({ q: z.string() }),
		}).step("outline", (s) => s.q);
		/** What `.step("facts", …, options)` as the chain's second step throws. */
		const refused = (options: unknown) => {
			try {
				chain.step("facts", (s) => s.outline, options as never);
			} catch (error) {
				return error;
			}
			return undefined;
		};

		it.each([
			{
				given: "system: 42",
				options: { system: 42 },
				message: 'promptChain step 2 "facts": system must be a string, not 42',
				hint: "system:",
			},
			{
				given: "system: a function",
				options: { system: () => "Be brief." },
				message:
					'promptChain step 2 "facts": system must be a string, not a function',
				hint: "system:",
			},
			{
				given: 'method: "Native"',
				options: { output: Facts, method: "Native" },
				message:
					'promptChain step 2 "facts": method must be "json" or "native", not "Native"',
				hint: '"native"',
			},
			{
				given: "output: not a zod schema",
				options: { output: { facts: [] } },
				message:
					'promptChain step 2 "facts": output must be a zod schema, not an object',
				hint: "output: z.object(",
			},
			{
				given: "model: a model's name",
				options: { model: "gpt-4o" },
				message:
					'promptChain step 2 "facts": model must be a chat model, not string',
				hint: "chat model",
			},
			{
				// the JSON answer was silently stored as text
				given: "ouput (a misspelt output)",
				options: { ouput: Facts },
				message: 'promptChain step 2 "facts" has no option "ouput"',
				hint: "did you mean output?",
			},
			{
				given: "options: null",
				options: null,
				message:
					'promptChain step 2 "facts": the options must be an object, not null',
				hint: "output",
			},
		])("$given", ({ options, message, hint }) => {
			expect(refused(options)).toMatchObject({
				name: "ConfigError",
				code: "CONFIG_INVALID",
				message,
				hint: expect.stringContaining(hint),
			});
		});

		it("and the chain's own system and model, where promptChain is called", () => {
			const input = z.object({ q: z.string() });
			expect(() =>
				promptChain({ model, input, system: ["Be brief."] as never }),
			).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					message: "promptChain: system must be a string, not an array",
				}),
			);
			expect(() => promptChain({ model: {} as never, input })).toThrow(
				expect.objectContaining({
					code: "CONFIG_INVALID",
					message: "promptChain: model must be a chat model, not object",
				}),
			);
		});

		it("a missing or non-zod input, and a misspelt chain option, where promptChain is called", () => {
			const refusedChain = (options: unknown) => {
				try {
					promptChain(options as never);
				} catch (error) {
					return error;
				}
				return undefined;
			};
			// no input was a raw TypeError reading 'shape'
			expect(refusedChain({ model })).toMatchObject({
				code: "CONFIG_INVALID",
				message: "promptChain: input must be a zod object schema, not missing",
				hint: expect.stringContaining("z.object("),
			});
			expect(refusedChain({ model, input: { q: "string" } })).toMatchObject({
				code: "CONFIG_INVALID",
				message:
					"promptChain: input must be a zod object schema, not an object",
			});
			expect(refusedChain({ model, input: z.string() })).toMatchObject({
				code: "CONFIG_INVALID",
			});
			expect(
				refusedChain({ model, input: z.object({ q: z.string() }), sytem: "x" }),
			).toMatchObject({
				code: "CONFIG_INVALID",
				message: 'promptChain has no option "sytem"',
				hint: expect.stringContaining("did you mean system?"),
			});
		});

		it("a step whose prompt is text, or whose name is an input key or an earlier step's", () => {
			const refusedStep = (name: string, prompt: unknown) => {
				try {
					chain.step(name, prompt as never);
				} catch (error) {
					return error;
				}
				return undefined;
			};
			// a text prompt was accepted here and failed when the step ran (llmNode refuses it)
			expect(refusedStep("facts", "List facts")).toMatchObject({
				code: "CONFIG_INVALID",
				message:
					'promptChain step 2 "facts": prompt must be a prompt template or a function of the state, not "List facts"',
				hint: expect.stringContaining('() => "List facts"'),
			});
			// the step's output silently replaced the input key's schema
			expect(refusedStep("q", (s: { q: string }) => s.q)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining('"q" is a key of the chain\'s input'),
			});
			expect(refusedStep("outline", (s: { q: string }) => s.q)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining("an earlier step is named"),
			});
			expect(refusedStep("", (s: { q: string }) => s.q)).toMatchObject({
				code: "CONFIG_INVALID",
			});
		});

		it("a prompt function that returns no text or messages fails the step with CONFIG_INVALID naming it", async () => {
			const r = await promptChain({
				model: new ScriptedChatModel(["x"]),
				input: z.object({ q: z.string() }),
			})
				.step("count", (() => 5) as never)
				.compile()
				.run({ q: "x" })
				.catch((e: unknown) => e);
			// it was NODE_FAILED "is not iterable"
			expect(r).toMatchObject({
				code: "CONFIG_INVALID",
				message:
					'promptChain step "count": the prompt function returned 5, not a string or a list of messages',
				hint: expect.stringContaining("return the prompt as text"),
			});
		});

		it("takes the options as documented", () => {
			expect(
				refused({
					output: Facts,
					method: "native",
					system: "Be brief.",
					model,
				}),
			).toBeUndefined();
			expect(refused({ method: undefined, system: undefined })).toBeUndefined();
			expect(refused(undefined)).toBeUndefined();
		});
	});
});
