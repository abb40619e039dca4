import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { MemoryCheckpointer, runUsageOf, START, StateGraph } from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	ScriptedChatModel,
} from "@weft/graph/llm";
import {
	blockedTopicsGuard,
	ModelRouter,
	patternGuard,
	UsageTracker,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ messages: messages() });

describe("ModelRouter inside @weft/graph/llm", () => {
	for (const stream of [true, false]) {
		it(`puts the routed model and its cost into the run's usage (stream: ${stream})`, async () => {
			const down = new ScriptedChatModel({
				replies: [{ fail: "server", status: 503 }],
				model: "down",
			});
			const mini = new ScriptedChatModel({
				replies: [
					{ content: "routed answer", usage: { input: 1000, output: 100 } },
				],
				model: "gpt-4o-mini",
			});
			const router = new ModelRouter({
				models: { "gpt-4o": down, "gpt-4o-mini": mini },
				retry: { maxRetries: 0 },
			});
			const graph = new StateGraph(State)
				.addNode("llm", llmNode({ model: router, stream }))
				.addEdge(START, "llm")
				.compile();
			const custom: unknown[] = [];
			for await (const ev of graph.stream(
				{ messages: [new HumanMessage("hi")] },
				{ mode: ["custom"] },
			)) {
				if (ev.type === "custom") custom.push(ev);
			}
			const result = await new StateGraph(State)
				.addNode(
					"llm",
					llmNode({
						model: new ModelRouter({
							models: {
								"gpt-4o-mini": mini.script({
									content: "again",
									usage: { input: 1000, output: 100 },
								}),
							},
						}),
						stream,
					}),
				)
				.addEdge(START, "llm")
				.compile()
				.run({ messages: [new HumanMessage("hi")] });
			expect(custom).toEqual([
				expect.objectContaining({
					type: "custom",
					node: "llm",
					data: expect.objectContaining({
						kind: "model",
						model: "gpt-4o-mini",
						attempts: 2,
						cache: "miss",
					}),
				}),
			]);
			const cost = (1000 * 0.15 + 100 * 0.6) / 1e6;
			expect(result.usage.byModel["gpt-4o-mini"]).toMatchObject({
				inputTokens: 1000,
				outputTokens: 100,
			});
			expect(result.usage.costUsd).toBeCloseTo(cost, 12);
		});
	}

	it("marks the calls a run's cost leaves out (no price for their model): unpricedCalls, by model and by node", async () => {
		// an unpriced call added 0 to costUsd with no mark, so a mixed total read as complete
		const priced = new ScriptedChatModel({
			replies: [{ content: "a", usage: { input: 1000, output: 100 } }],
			model: "gpt-4o-mini",
		});
		const unpriced = new ScriptedChatModel({
			replies: [{ content: "b", usage: { input: 1000, output: 100 } }],
			model: "gpt-5-pro",
		});
		const tracker = new UsageTracker();
		const quick = new ModelRouter({
			models: { "gpt-4o-mini": priced },
			usage: tracker,
		});
		const deep = new ModelRouter({
			models: { "gpt-5-pro": unpriced },
			usage: tracker,
		});
		const graph = new StateGraph(State)
			.addNode("quick", llmNode({ model: quick }))
			.addNode("deep", llmNode({ model: deep }))
			.addEdge(START, "quick")
			.addEdge("quick", "deep")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const result = await graph.run(
			{ messages: [new HumanMessage("hi")] },
			{ threadId: "t" },
		);
		const cost = (1000 * 0.15 + 100 * 0.6) / 1e6;
		expect(result.usage).toMatchObject({ calls: 2, unpricedCalls: 1 });
		expect(result.usage.costUsd).toBeCloseTo(cost, 12);
		expect(result.usage.byModel["gpt-5-pro"]).toEqual({
			inputTokens: 1000,
			outputTokens: 100,
			totalTokens: 1100,
			cachedTokens: 0,
			calls: 1,
			unpricedCalls: 1,
		});
		expect(result.usage.byModel["gpt-4o-mini"]).not.toHaveProperty(
			"unpricedCalls",
		);
		expect(result.usage.byNode.deep).toMatchObject({ unpricedCalls: 1 });
		expect(result.usage.byNode.quick).not.toHaveProperty("unpricedCalls");
		// the thread's totals, summed from the stored steps, keep the mark
		expect(await graph.getUsage({ threadId: "t" })).toMatchObject({
			calls: 2,
			unpricedCalls: 1,
			byModel: { "gpt-5-pro": { unpricedCalls: 1 } },
		});
		// the router's own totals count them too
		expect(tracker.totals()).toMatchObject({
			calls: 2,
			unpricedCalls: 1,
			byModel: {
				"gpt-5-pro": { unpricedCalls: 1 },
				"gpt-4o-mini": { unpricedCalls: 0 },
			},
		});
	});

	it("runs a createAgent tool loop through the router", async () => {
		const search = tool(async ({ q }) => `Weft is a graph runtime (${q})`, {
			name: "search",
			description: "search",
			schema: z.object({ q: z.string() }),
		});
		const model = new ScriptedChatModel([
			{ toolCalls: [{ name: "search", args: { q: "weft" } }] },
			"Weft is a graph runtime.",
		]);
		const router = new ModelRouter({ models: { main: model } });
		const agent = createAgent({ model: router, tools: [search] });
		const out = await agent.invoke({
			messages: [new HumanMessage("what is weft?")],
		});
		expect(out.messages.at(-1)?.content).toBe("Weft is a graph runtime.");
		expect(model.calls.map((c) => c.tools)).toEqual([["search"], ["search"]]);
		expect(router.usage.totals().calls).toBe(2);
	});

	for (const stream of [true, false]) {
		it(`adds the calls made for a call (summariser, guard classifier) to the run's usage, as the router's (stream: ${stream})`, async () => {
			const main = new ScriptedChatModel({
				replies: [{ content: "answer", usage: { input: 220, output: 22 } }],
				model: "gpt-4o",
			});
			const summariser = new ScriptedChatModel({
				replies: [{ content: "earlier", usage: { input: 500, output: 50 } }],
				model: "gpt-4o-mini",
			});
			const classifier = new ScriptedChatModel({
				replies: [{ content: "NONE", usage: { input: 30, output: 3 } }],
				model: "gpt-4o-mini",
			});
			const router = new ModelRouter({
				models: { "gpt-4o": main },
				context: {
					maxTokens: 40,
					tokenCounter: (m) => m.length * 10,
					summarize: { model: summariser },
				},
				guards: [blockedTopicsGuard({ classifier, topics: ["politics"] })],
			});
			const result = await new StateGraph(State)
				.addNode("llm", llmNode({ model: router, stream }))
				.addEdge(START, "llm")
				.compile()
				.run({
					messages: [1, 2, 3, 4, 5, 6].map((i) => new HumanMessage(`h${i}`)),
				});
			const totals = router.usage.totals();
			expect(totals.calls).toBe(3);
			expect(result.usage.inputTokens).toBe(totals.inputTokens);
			expect(result.usage.outputTokens).toBe(totals.outputTokens);
			expect(result.usage.costUsd).toBeCloseTo(totals.costUsd, 12);
			expect(result.usage.byModel["gpt-4o-mini"]).toMatchObject({
				inputTokens: 530,
				outputTokens: 53,
			});
		});
	}

	// Found from outside (6 Dec): what a failed call had paid for (an answer an output guard blocked, the
	// summariser's call before the model failed) was in router.usage but not in the run's usage, its
	// runUsageOf(error) or the thread's
	for (const stream of [true, false]) {
		it(`adds what a failed call paid for to the failed run's usage and the thread's (stream: ${stream})`, async () => {
			const blocked = new ModelRouter({
				models: {
					"gpt-4o": new ScriptedChatModel({
						replies: [
							{
								content: "the key is SK-12345",
								usage: { input: 100, output: 10 },
							},
						],
						model: "gpt-4o",
					}),
				},
				guards: [
					patternGuard([{ kind: "apikey", pattern: /SK-\d+/ }], {
						name: "secrets",
						action: "block",
						stages: ["output"],
					}),
				],
			});
			const summarisedThenDown = new ModelRouter({
				models: {
					"gpt-4o": new ScriptedChatModel({
						replies: [{ fail: "server", status: 503 }],
						model: "gpt-4o",
					}),
				},
				retry: { maxRetries: 0 },
				context: {
					maxTokens: 40,
					tokenCounter: (m) => m.length * 10,
					summarize: {
						model: new ScriptedChatModel({
							replies: [
								{ content: "earlier", usage: { input: 500, output: 50 } },
							],
							model: "gpt-4o-mini",
						}),
					},
				},
			});
			for (const [router, code, inputTokens] of [
				[blocked, "GUARDRAIL_TRIPPED", 100],
				[summarisedThenDown, "MODEL_UNAVAILABLE", 500],
			] as const) {
				const graph = new StateGraph(State)
					.addNode("llm", llmNode({ model: router, stream }))
					.addEdge(START, "llm")
					.compile({ checkpointer: new MemoryCheckpointer() });
				const error = await graph
					.run(
						{
							messages: [1, 2, 3, 4, 5, 6].map(
								(i) => new HumanMessage(`h${i}`),
							),
						},
						{ threadId: "t" },
					)
					.catch((e: unknown) => e);
				expect(error).toMatchObject({ code });
				expect(router.usage.totals()).toMatchObject({ calls: 1, inputTokens });
				expect(runUsageOf(error)).toMatchObject({
					calls: 1,
					inputTokens,
					costUsd: router.usage.totals().costUsd,
				});
				expect(await graph.getUsage({ threadId: "t" })).toMatchObject({
					calls: 1,
					inputTokens,
				});
			}
		});
	}
});

describe("a node's retry policy over a ModelRouter (decision 0228)", () => {
	const run = (model: ModelRouter) =>
		new StateGraph(State)
			.addNode("chat", llmNode({ model }), {
				retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false },
			})
			.addEdge(START, "chat")
			.compile()
			.run({ messages: [new HumanMessage("hi")] });

	it("retries the router's MODEL_UNAVAILABLE after a 503, as it retries the provider's own 503", async () => {
		const model = new ScriptedChatModel({
			replies: [{ fail: "server", status: 503 }, "ok"],
		});
		const result = await run(
			new ModelRouter({ models: { m: model }, retry: { maxRetries: 0 } }),
		);
		expect(result.status).toBe("done");
		expect(result.values.messages.at(-1)?.content).toBe("ok");
		expect(model.calls).toHaveLength(2);
	});

	it("retries the router's MODEL_TIMEOUT", async () => {
		const model = new ScriptedChatModel({ replies: [{ fail: "hang" }, "ok"] });
		const result = await run(
			new ModelRouter({
				models: { m: model },
				retry: { maxRetries: 0 },
				timeoutMs: 50,
			}),
		);
		expect(result.values.messages.at(-1)?.content).toBe("ok");
		expect(model.calls).toHaveLength(2);
	});

	it("does not retry a MODEL_UNAVAILABLE the router judged lasting (a 401) or a rejected request", async () => {
		const denied = Object.assign(new Error("invalid api key"), {
			status: 401,
		});
		const auth = new ScriptedChatModel({
			replies: [
				() => {
					throw denied;
				},
				"ok",
			],
		});
		await expect(
			run(new ModelRouter({ models: { m: auth }, retry: { maxRetries: 0 } })),
		).rejects.toMatchObject({ code: "MODEL_UNAVAILABLE" });
		expect(auth.calls).toHaveLength(1);
		const bad = new ScriptedChatModel({
			replies: [{ fail: "bad-request" }, "ok"],
		});
		await expect(
			run(new ModelRouter({ models: { m: bad }, retry: { maxRetries: 0 } })),
		).rejects.toMatchObject({ code: "MODEL_REQUEST_INVALID" });
		expect(bad.calls).toHaveLength(1);
	});
});
