// Issues 13 and 16: what balancing did, on the `chat` span of a graph's model call; a graph run's thread
// reaches the router, so sticky balancing keeps the thread on one deployment.
import { HumanMessage } from "@langchain/core/messages";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import {
	type BalanceStrategy,
	ModelRouter,
	RateLimiterRegistry,
	weftMetadata,
} from "@weft/models";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { scriptedDeployment } from "./deployments.ts";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
	spanProcessors: [new SimpleSpanProcessor(exporter)],
});
beforeAll(() => {
	context.setGlobalContextManager(
		new AsyncLocalStorageContextManager().enable(),
	);
	trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
	await provider.shutdown();
	trace.disable();
	context.disable();
});
afterEach(() => exporter.reset());

const State = z.object({ messages: messages() });

function setup(strategy: BalanceStrategy = "weighted-round-robin") {
	const a = scriptedDeployment("a");
	const b = scriptedDeployment("b");
	const router = new ModelRouter({
		rateLimiters: new RateLimiterRegistry(),
		retry: { maxRetries: 0 },
		models: {
			gpt: {
				deployments: [
					{ name: "a", model: a.model },
					{ name: "b", model: b.model },
				],
				balance: { strategy, circuit: { failureThreshold: 1 } },
			},
		},
	});
	const graph = new StateGraph(State)
		.addNode("llm", llmNode({ model: router, stream: false }))
		.addEdge(START, "llm")
		.compile({ checkpointer: new MemoryCheckpointer(), name: "bal" });
	return { a, b, graph };
}

const ask = { messages: [new HumanMessage("hi")] };
const chatSpans = (): ReadableSpan[] =>
	exporter.getFinishedSpans().filter((s) => s.name.startsWith("chat"));

describe("balancing in telemetry", () => {
	it("names the deployment, the strategy and why on the chat span; failover and circuit as events", async () => {
		const t = setup();
		t.a.set({ fail: 500 });
		const r = await t.graph.run(ask, { threadId: "s1" });
		expect(r.status).toBe("done");
		const [chat] = chatSpans();
		expect(chat).toBeDefined();
		expect(chat!.attributes).toMatchObject({
			"gen_ai.operation.name": "chat",
			"weft.model.deployment": "b",
			"weft.balance.strategy": "weighted-round-robin",
		});
		expect(String(chat!.attributes["weft.balance.reason"])).not.toBe("");
		const names = chat!.events.map((e) => e.name);
		expect(names).toEqual([
			"weft.balance",
			"weft.circuit",
			"weft.model.failover",
			"weft.balance",
		]);
		const circuit = chat!.events.find((e) => e.name === "weft.circuit")!;
		expect(circuit.attributes).toMatchObject({
			"weft.model.deployment": "a",
			"weft.circuit.state": "open",
		});
		const failover = chat!.events.find(
			(e) => e.name === "weft.model.failover",
		)!;
		expect(failover.attributes).toMatchObject({
			"weft.failover.from": "a",
			"error.type": "server",
		});
		// the next call skips the open circuit, and says so
		exporter.reset();
		await t.graph.run(ask, { threadId: "s2" });
		const [next] = chatSpans();
		const choice = next!.events.find((e) => e.name === "weft.balance")!;
		expect(choice.attributes?.["weft.model.deployment"]).toBe("b");
		expect(String(choice.attributes?.["weft.balance.skipped"])).toMatch(
			/^a: circuit open/,
		);
	});

	it("a graph run's thread reaches the router: sticky balancing keeps each thread on its deployment", async () => {
		const t = setup("sticky-thread");
		const where = async (thread: string) => {
			const r = await t.graph.run(ask, { threadId: thread });
			return weftMetadata(r.values.messages.at(-1)!)?.balance;
		};
		const first = await where("t1");
		const second = await where("t2");
		expect(first!.deployment).not.toBe(second!.deployment);
		for (let i = 0; i < 2; i++) {
			expect(await where("t1")).toMatchObject({
				deployment: first!.deployment,
				reason: `sticky: thread "t1" stays on ${first!.deployment}`,
			});
			expect((await where("t2"))?.deployment).toBe(second!.deployment);
		}
		const spans = chatSpans();
		expect(
			spans.every(
				(s) => s.attributes["weft.balance.strategy"] === "sticky-thread",
			),
		).toBe(true);
	});

	it("marks a call a later model of the route answered as a fallback", async () => {
		const router = new ModelRouter({
			rateLimiters: new RateLimiterRegistry(),
			retry: { maxRetries: 0 },
			models: {
				big: new ScriptedChatModel({
					model: "big",
					replies: [{ fail: "server", status: 503 }],
				}),
				small: new ScriptedChatModel({ model: "small", replies: ["ok"] }),
			},
		});
		const graph = new StateGraph(State)
			.addNode("llm", llmNode({ model: router, stream: false }))
			.addEdge(START, "llm")
			.compile({ checkpointer: new MemoryCheckpointer(), name: "fb" });
		const r = await graph.run(ask, { threadId: "f1" });
		expect(weftMetadata(r.values.messages.at(-1)!)?.fallback).toBe(true);
		const [chat] = chatSpans();
		expect(chat!.attributes["weft.model.fallback"]).toBe(true);
		const fallback = chat!.events.find(
			(e) => e.name === "weft.model.fallback",
		)!;
		expect(fallback.attributes).toMatchObject({
			"weft.fallback.from": "big",
			"weft.fallback.to": "small",
		});
	});

	// Found from outside (6 Dec): a failed call's chat span had no attempt count, an answered one's has
	it("counts a failed call's attempts on its chat span", async () => {
		const router = new ModelRouter({
			rateLimiters: new RateLimiterRegistry(),
			retry: { maxRetries: 1, initialDelayMs: 1 },
			models: {
				big: new ScriptedChatModel({
					model: "big",
					replies: [
						{ fail: "server", status: 503 },
						{ fail: "server", status: 503 },
					],
				}),
			},
		});
		const graph = new StateGraph(State)
			.addNode("llm", llmNode({ model: router, stream: false }))
			.addEdge(START, "llm")
			.compile({ name: "down" });
		await expect(graph.run(ask)).rejects.toMatchObject({
			code: "MODEL_UNAVAILABLE",
		});
		const [chat] = chatSpans();
		expect(chat!.attributes).toMatchObject({
			"error.type": "MODEL_UNAVAILABLE",
			"weft.model.attempts": 2,
		});
	});
});
