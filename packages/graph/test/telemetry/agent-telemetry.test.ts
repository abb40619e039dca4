import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { SpanStatusCode } from "@opentelemetry/api";
import {
	configureTelemetry,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { addThenAnswer, makeTools } from "../llm/fixtures.ts";
import { countOf, one, parentOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => {
	otel.reset();
	configureTelemetry({ captureContent: false });
});

function agent(model = addThenAnswer()) {
	const { add } = makeTools();
	return createAgent({
		model,
		tools: [add],
		checkpointer: new MemoryCheckpointer(),
		name: "calc",
	});
}

const ask = { messages: [new HumanMessage("What is 1 + 2? (secret)")] };

describe("spans of an agent run", () => {
	it("nest run → step → node → model or tool call", async () => {
		const result = await agent().run(ask, { threadId: "t1" });
		expect(result.status).toBe("done");
		const spans = otel.spans();
		const run = one(spans, "invoke_agent calc");
		expect(run.attributes).toMatchObject({
			"weft.graph": "calc",
			"weft.thread_id": "t1",
			"weft.run.status": "done",
			"weft.steps": 3,
			"gen_ai.usage.input_tokens": 32,
			"gen_ai.usage.output_tokens": 11,
		});
		const steps = spans.filter((s) => s.name === "weft.step");
		expect(steps.map((s) => s.attributes["weft.step"])).toEqual([1, 2, 3]);
		for (const s of steps) expect(parentOf(s)).toBe(run.spanContext().spanId);
		const nodes = spans.filter((s) => s.name.startsWith("weft.node "));
		expect(nodes.map((s) => s.name)).toEqual([
			"weft.node agent",
			"weft.node tools",
			"weft.node agent",
		]);
		nodes.forEach((n, i) => {
			expect(parentOf(n)).toBe(steps[i]!.spanContext().spanId);
			expect(n.status.code).toBe(SpanStatusCode.OK);
		});
		const chats = spans.filter((s) => s.name === "chat gpt-test");
		expect(chats).toHaveLength(2);
		expect(parentOf(chats[0]!)).toBe(nodes[0]!.spanContext().spanId);
		expect(parentOf(chats[1]!)).toBe(nodes[2]!.spanContext().spanId);
		const tool = one(spans, "execute_tool add");
		expect(parentOf(tool)).toBe(nodes[1]!.spanContext().spanId);
		expect(tool.attributes).toMatchObject({
			"gen_ai.operation.name": "execute_tool",
			"gen_ai.tool.name": "add",
			// recommended by the GenAI conventions when available: a LangChain tool run by the client
			"gen_ai.tool.type": "function",
			"gen_ai.tool.description": "adds two numbers",
		});
		expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
	});

	it("model spans carry the GenAI attributes, and no message content by default", async () => {
		await agent().run(ask, { threadId: "t2" });
		const [first] = otel.spans().filter((s) => s.name === "chat gpt-test");
		expect(first!.kind).toBe(2); // CLIENT
		expect(first!.attributes).toMatchObject({
			"gen_ai.operation.name": "chat",
			"gen_ai.request.model": "gpt-test",
			"gen_ai.response.model": "gpt-test",
			"gen_ai.usage.input_tokens": 12,
			"gen_ai.usage.output_tokens": 5,
			"weft.node": "agent",
			"weft.step": 1,
			"weft.thread_id": "t2",
			// the conventions' conversation (session, thread) id, required when available
			"gen_ai.conversation.id": "t2",
		});
		const text = JSON.stringify(otel.spans().map((s) => s.attributes));
		expect(text).not.toContain("secret");
		expect(text).not.toContain("gen_ai.input.messages");
	});

	it("records message contents only with captureContent: true", async () => {
		configureTelemetry({ captureContent: true });
		await agent().run(ask, { threadId: "t3" });
		const [first, second] = otel
			.spans()
			.filter((s) => s.name === "chat gpt-test");
		expect(first!.attributes["gen_ai.input.messages"]).toContain("(secret)");
		expect(second!.attributes["gen_ai.output.messages"]).toContain(
			"The answer is 3.",
		);
		const tool = one(otel.spans(), "execute_tool add");
		expect(tool.attributes["gen_ai.tool.call.arguments"]).toBe('{"a":1,"b":2}');
		expect(tool.attributes["gen_ai.tool.call.result"]).toBe("3");
	});

	it("marks a failed node, model call and run with the error code", async () => {
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [{ fail: "bad-request", message: "no such model" }],
		});
		await expect(agent(model).run(ask, { threadId: "t4" })).rejects.toThrow();
		const spans = otel.spans();
		const run = one(spans, "invoke_agent calc");
		expect(run.status.code).toBe(SpanStatusCode.ERROR);
		expect(run.attributes["weft.error.code"]).toBe("NODE_FAILED");
		expect(run.attributes["weft.run.status"]).toBe("failed");
		const node = one(spans, "weft.node agent");
		expect(node.status.code).toBe(SpanStatusCode.ERROR);
		const chat = one(spans, "chat gpt-test");
		expect(chat.status.code).toBe(SpanStatusCode.ERROR);
		expect(chat.events.map((e) => e.name)).toContain("exception");
	});

	it("marks a node whose retried attempt failed, and a paused run", async () => {
		let calls = 0;
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode(
				"flaky",
				() => {
					if (++calls === 1) throw new Error("flake");
					return { n: 1 };
				},
				{ retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false } },
			)
			.addNode("ask", async (_s, ctx) => ({
				n: await ctx.interrupt<number>("how many?"),
			}))
			.addEdge(START, "flaky")
			.addEdge("flaky", "ask")
			.addEdge("ask", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "g" });
		const r = await graph.run({ n: 0 }, { threadId: "t5" });
		expect(r.status).toBe("interrupted");
		const spans = otel.spans();
		const flaky = one(spans, "weft.node flaky");
		expect(flaky.events.map((e) => e.name)).toEqual(["weft.node.retry"]);
		expect(flaky.events[0]!.attributes).toMatchObject({ "weft.attempt": 1 });
		expect(one(spans, "weft.node ask").attributes["weft.interrupt"]).toBe(true);
		expect(one(spans, "weft.run g").attributes).toMatchObject({
			"weft.run.status": "interrupted",
			"weft.interrupts": 1,
		});
	});
});

describe("metrics of an agent run", () => {
	it("histograms of durations, counters of tokens and calls, runs in flight back to zero", async () => {
		await agent().run(ask, { threadId: "m1" });
		const runs = await otel.metric("weft.run.duration");
		expect(runs.map(countOf).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
		const nodes = await otel.metric("weft.node.duration");
		const agentNode = nodes.find(
			(p) =>
				p.attributes["weft.node"] === "agent" &&
				p.attributes["weft.graph"] === "calc",
		);
		expect(countOf(agentNode!)).toBeGreaterThanOrEqual(2);
		const model = await otel.metric("gen_ai.client.operation.duration");
		expect(
			model.some((p) => p.attributes["gen_ai.request.model"] === "gpt-test"),
		).toBe(true);
		const tokens = await otel.metric("weft.model.tokens");
		const input = tokens.find(
			(p) => p.attributes["gen_ai.token.type"] === "input",
		);
		expect(input!.value).toBeGreaterThanOrEqual(32);
		const calls = await otel.metric("weft.model.calls");
		expect(calls.some((p) => p.attributes["weft.outcome"] === "ok")).toBe(true);
		const active = await otel.metric("weft.runs.active");
		expect(active.every((p) => p.value === 0)).toBe(true);
	});
});

describe("LangChain callbacks given to a run", () => {
	it("reach every model and tool call, with the run's tags and metadata", async () => {
		const seen: Array<{
			kind: string;
			tags?: string[];
			metadata?: Record<string, unknown>;
		}> = [];
		class Handler extends BaseCallbackHandler {
			name = "test-handler";
			override awaitHandlers = true;
			override async handleChatModelStart(
				_llm: unknown,
				_messages: unknown,
				_runId: string,
				_parent?: string,
				_extra?: unknown,
				tags?: string[],
				metadata?: Record<string, unknown>,
			) {
				seen.push({
					kind: "model",
					...(tags ? { tags } : {}),
					...(metadata ? { metadata } : {}),
				});
			}
			override async handleToolStart(
				_tool: unknown,
				_input: string,
				_runId: string,
				_parent?: string,
				tags?: string[],
				metadata?: Record<string, unknown>,
			) {
				seen.push({
					kind: "tool",
					...(tags ? { tags } : {}),
					...(metadata ? { metadata } : {}),
				});
			}
		}
		await agent().run(ask, {
			threadId: "cb1",
			callbacks: [new Handler()],
			tags: ["eval"],
			metadata: { user: "u1" },
		});
		expect(seen.map((s) => s.kind)).toEqual(["model", "tool", "model"]);
		for (const s of seen) {
			expect(s.tags).toContain("eval");
			expect(s.metadata).toMatchObject({ user: "u1", thread_id: "cb1" });
		}
		expect(seen.map((s) => s.metadata?.weft_node)).toEqual([
			"agent",
			"tools",
			"agent",
		]);
	});
});
