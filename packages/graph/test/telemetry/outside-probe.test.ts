// The telemetry contract read from outside (API.md "Memory, telemetry, MCP"): spans and their nesting
// across a resume in another run() call, parallel nodes and a subgraph; GenAI attributes and errors on
// model and tool spans; and callbacks reaching every model and tool call.
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	ScriptedChatModel,
	toolNode,
	toolsCondition,
} from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { makeTools } from "../llm/fixtures.ts";
import { one, parentOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

const ask = { messages: [new HumanMessage("What is 1 + 2?")] };
const id = (s: ReadableSpan) => s.spanContext().spanId;
const byId = (spans: ReadableSpan[]) => new Map(spans.map((s) => [id(s), s]));
/** The names of a span's ancestors, nearest first. */
function chain(spans: ReadableSpan[], s: ReadableSpan): string[] {
	const all = byId(spans);
	const names: string[] = [];
	for (let p = all.get(parentOf(s) ?? ""); p; p = all.get(parentOf(p) ?? ""))
		names.push(p.name);
	return names;
}

function addModel(callId = "call-1") {
	return new ScriptedChatModel({
		model: "gpt-test",
		replies: [
			{
				toolCalls: [{ name: "add", args: { a: 1, b: 2 }, id: callId }],
				usage: { input: 12, output: 5 },
			},
			{ content: "3", usage: { input: 20, output: 6 } },
		],
	});
}

describe("span nesting", () => {
	it("a resumed run (another run() call) nests its tool and model spans under its own run", async () => {
		const { add } = makeTools();
		const agent = createAgent({
			model: addModel(),
			tools: [add],
			approve: ["add"],
			checkpointer: new MemoryCheckpointer(),
			name: "calc",
		});
		const paused = await agent.run(ask, { threadId: "r1" });
		expect(paused.status).toBe("interrupted");
		otel.reset();
		const done = await agent.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "r1" },
		);
		expect(done.status).toBe("done");
		const spans = otel.spans();
		const tool = one(spans, "execute_tool add");
		expect(chain(spans, tool)).toEqual([
			"weft.node tools",
			"weft.step",
			"invoke_agent calc",
		]);
		expect(tool.attributes["gen_ai.tool.call.id"]).toBe("call-1");
		const chat = one(spans, "chat gpt-test");
		expect(chain(spans, chat)).toEqual([
			"weft.node agent",
			"weft.step",
			"invoke_agent calc",
		]);
		expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
	});

	it("parallel nodes each hold their own model call", async () => {
		const S = z.object({ messages: messages() });
		const model = (name: string) =>
			new ScriptedChatModel({ model: name, replies: [`from ${name}`] });
		const graph = new StateGraph(S)
			.addNode("a", llmNode({ model: model("m-a") }))
			.addNode("b", llmNode({ model: model("m-b") }))
			.addEdge(START, "a")
			.addEdge(START, "b")
			.addEdge("a", END)
			.addEdge("b", END)
			.compile({ name: "par" });
		await graph.run(ask);
		const spans = otel.spans();
		const steps = spans.filter((s) => s.name === "weft.step");
		expect(steps).toHaveLength(1);
		for (const [node, m] of [
			["a", "m-a"],
			["b", "m-b"],
		] as const) {
			const chat = one(spans, `chat ${m}`);
			const n = one(spans, `weft.node ${node}`);
			expect(parentOf(chat)).toBe(id(n));
			expect(parentOf(n)).toBe(id(steps[0]!));
		}
	});

	it("a subgraph's model and tool spans nest under its run, under the parent's node", async () => {
		const { add } = makeTools();
		const inner = createAgent({
			model: addModel(),
			tools: [add],
			name: "calc",
		});
		const S = z.object({ messages: messages() });
		const outer = new StateGraph(S)
			.addNode("sub", inner)
			.addEdge(START, "sub")
			.addEdge("sub", END)
			.compile({ name: "outer" });
		await outer.run(ask);
		const spans = otel.spans();
		const tool = one(spans, "execute_tool add");
		expect(chain(spans, tool)).toEqual([
			"weft.node tools",
			"weft.step",
			"invoke_agent calc",
			"weft.node sub",
			"weft.step",
			"weft.run outer",
		]);
	});

	it("two tool calls of one answer are sibling spans under the tools node, each with its call id", async () => {
		const { add } = makeTools();
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [
				{
					toolCalls: [
						{ name: "add", args: { a: 1, b: 2 }, id: "c1" },
						{ name: "add", args: { a: 3, b: 4 }, id: "c2" },
					],
				},
				"3 and 7",
			],
		});
		await createAgent({ model, tools: [add] }).run(ask);
		const spans = otel.spans();
		const node = one(spans, "weft.node tools");
		const tools = spans.filter((s) => s.name === "execute_tool add");
		expect(
			tools.map((t) => t.attributes["gen_ai.tool.call.id"]).sort(),
		).toEqual(["c1", "c2"]);
		for (const t of tools) expect(parentOf(t)).toBe(id(node));
	});

	it("a graph invoked inside a node's function nests under that node", async () => {
		const inner = createAgent({
			model: new ScriptedChatModel({ model: "m-in", replies: ["y"] }),
			tools: [],
			name: "inner",
		});
		const outer = new StateGraph(z.object({ r: z.string().default("") }))
			.addNode("call", async () => {
				const v = await inner.invoke(ask);
				return { r: String(v.messages.at(-1)?.content) };
			})
			.addEdge(START, "call")
			.addEdge("call", END)
			.compile({ name: "outer" });
		await outer.run({});
		const spans = otel.spans();
		expect(chain(spans, one(spans, "chat m-in"))).toEqual([
			"weft.node agent",
			"weft.step",
			"invoke_agent inner",
			"weft.node call",
			"weft.step",
			"weft.run outer",
		]);
	});
});

describe("GenAI attributes and errors", () => {
	it("model and tool spans carry the conventions' attributes", async () => {
		const { add } = makeTools();
		await createAgent({ model: addModel(), tools: [add] }).run(ask);
		const spans = otel.spans();
		const chats = spans.filter((s) => s.name === "chat gpt-test");
		expect(chats[0]!.attributes).toMatchObject({
			"gen_ai.operation.name": "chat",
			"gen_ai.request.model": "gpt-test",
			"gen_ai.usage.input_tokens": 12,
			"gen_ai.usage.output_tokens": 5,
		});
		expect(
			chats[0]!.attributes["gen_ai.provider.name"] ??
				chats[0]!.attributes["gen_ai.system"],
		).toBeTypeOf("string");
		expect(one(spans, "execute_tool add").attributes).toMatchObject({
			"gen_ai.operation.name": "execute_tool",
			"gen_ai.tool.name": "add",
			"gen_ai.tool.call.id": "call-1",
		});
	});

	it("a failed model call has error status and error.type", async () => {
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [{ fail: "bad-request" }],
		});
		const result = await createAgent({ model, tools: [] })
			.run(ask)
			.catch((e: unknown) => e);
		expect(result).toBeInstanceOf(Error);
		const chat = one(otel.spans(), "chat gpt-test");
		expect(chat.status.code).toBe(SpanStatusCode.ERROR);
		expect(chat.attributes["error.type"]).toBeTypeOf("string");
	});

	it("a failed tool call has error status and error.type", async () => {
		const { fail } = makeTools();
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [{ toolCalls: [{ name: "fail", id: "c9" }] }, "sorry"],
		});
		await createAgent({ model, tools: [fail] }).run(ask);
		const tool = one(otel.spans(), "execute_tool fail");
		expect(tool.status.code).toBe(SpanStatusCode.ERROR);
		expect(tool.attributes["error.type"]).toBe("TOOL_ERROR");
		expect(tool.attributes["gen_ai.tool.call.id"]).toBe("c9");
	});
});

class Counter extends BaseCallbackHandler {
	name = "counter";
	llm = 0;
	tool = 0;
	override handleLLMStart() {
		this.llm++;
	}
	override handleToolStart() {
		this.tool++;
	}
}

describe("callbacks given to a run", () => {
	it("reach every model and tool call of createAgent, across a resume", async () => {
		const { add } = makeTools();
		const agent = createAgent({
			model: addModel(),
			tools: [add],
			approve: ["add"],
			checkpointer: new MemoryCheckpointer(),
		});
		const first = new Counter();
		await agent.run(ask, { threadId: "cb1", callbacks: [first] });
		const second = new Counter();
		await agent.run(new Command({ resume: { action: "approve" } }), {
			threadId: "cb1",
			callbacks: [second],
		});
		expect([first.llm, first.tool]).toEqual([1, 0]);
		expect([second.llm, second.tool]).toEqual([1, 1]);
	});

	it("reach every model and tool call of llmNode + toolNode", async () => {
		const { add } = makeTools();
		const S = z.object({ messages: messages() });
		const graph = new StateGraph(S)
			.addNode("agent", llmNode({ model: addModel(), tools: [add] }))
			.addNode("tools", toolNode([add]))
			.addEdge(START, "agent")
			.addConditionalEdges("agent", toolsCondition)
			.addEdge("tools", "agent")
			.compile();
		const counter = new Counter();
		await graph.run(ask, { callbacks: [counter] });
		expect([counter.llm, counter.tool]).toEqual([2, 1]);
	});
});
