import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
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
	toolNode,
	toolsCondition,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { askTools, makeTools } from "./fixtures.ts";

const State = z.object({ messages: messages() });

function graphWith(ai: AIMessage, node: ReturnType<typeof toolNode>) {
	return new StateGraph(State)
		.addNode("model", () => ({ messages: ai }))
		.addNode("tools", node)
		.addEdge(START, "model")
		.addConditionalEdges("model", toolsCondition)
		.addEdge("tools", END)
		.compile();
}

const toolMessages = (list: unknown[]) =>
	list.filter((m): m is ToolMessage => ToolMessage.isInstance(m));

describe("toolNode", () => {
	it("runs every call in parallel and answers each in call order", async () => {
		const { add, slow, calls } = makeTools();
		const ai = askTools(
			{ name: "slow", args: { ms: 40 }, id: "s1" },
			{ name: "slow", args: { ms: 40 }, id: "s2" },
			{ name: "add", args: { a: 2, b: 3 }, id: "a1" },
		);
		const out = await graphWith(ai, toolNode([add, slow])).invoke({
			messages: [new HumanMessage("go")],
		});
		const answers = toolMessages(out.messages);
		expect(answers.map((m) => [m.tool_call_id, m.content, m.status])).toEqual([
			["s1", "slept 40", "success"],
			["s2", "slept 40", "success"],
			["a1", "5", "success"],
		]);
		expect(calls).toMatchObject({ slow: 2, add: 1, maxInFlight: 2 });
	});

	it("answers invalid arguments, unknown tools, malformed JSON and throwing tools with errors, and goes on", async () => {
		const { add, fail, calls } = makeTools();
		const ai = new AIMessage({
			content: "",
			tool_calls: [
				{ name: "add", args: { a: "two", b: 3 }, id: "bad", type: "tool_call" },
				{ name: "nope", args: {}, id: "unknown", type: "tool_call" },
				{ name: "fail", args: {}, id: "throws", type: "tool_call" },
				{ name: "add", args: { a: 1, b: 1 }, id: "good", type: "tool_call" },
			],
			invalid_tool_calls: [
				{
					name: "add",
					args: "{a: 1",
					id: "malformed",
					error: "bad json",
					type: "invalid_tool_call",
				},
			],
		});
		const out = await graphWith(ai, toolNode([add, fail])).invoke({
			messages: [],
		});
		const answers = toolMessages(out.messages);
		expect(answers.map((m) => m.tool_call_id)).toEqual([
			"bad",
			"unknown",
			"throws",
			"good",
			"malformed",
		]);
		expect(answers.map((m) => m.status)).toEqual([
			"error",
			"error",
			"error",
			"success",
			"error",
		]);
		expect(answers[0]?.content).toMatch(/invalid arguments for "add": a:/);
		expect(answers[1]?.content).toMatch(/no tool named "nope"/);
		expect(answers[2]?.content).toBe("Error: the service is down");
		expect(answers[4]?.content).toMatch(/not valid JSON/);
		expect(calls).toMatchObject({ add: 1, fail: 1 });
	});

	it("answers only calls that no ToolMessage answers yet", async () => {
		const { add, calls } = makeTools();
		const node = toolNode([add]);
		const state = {
			messages: [
				askTools(
					{ name: "add", args: { a: 1, b: 2 }, id: "x" },
					{ name: "add", args: { a: 3, b: 4 }, id: "y" },
				),
				new ToolMessage({
					content: "rejected",
					tool_call_id: "x",
					status: "error",
				}),
			],
		};
		const ctx = fakeContext();
		const out = await node(state, ctx);
		expect(out.messages.map((m) => [m.tool_call_id, m.content])).toEqual([
			["y", "7"],
		]);
		expect(calls.add).toBe(1);
		expect(
			await node({ messages: [new HumanMessage("no AI message")] }, ctx),
		).toEqual({ messages: [] });
	});

	it("toolsCondition routes to tools only for an AI message with calls", () => {
		expect(
			toolsCondition({
				messages: [askTools({ name: "add", args: {}, id: "1" })],
			}),
		).toBe("tools");
		expect(toolsCondition({ messages: [new AIMessage("done")] })).toBe(END);
		expect(toolsCondition({ messages: [] })).toBe(END);
	});
});

function fakeContext() {
	return {
		threadId: undefined,
		step: 1,
		node: "tools",
		signal: new AbortController().signal,
		context: {},
		interrupt: async () => undefined as never,
		once: async <T>(
			_k: string,
			fn: (e: { idempotencyKey: string; retrying: boolean }) => T | Promise<T>,
		) => fn({ idempotencyKey: "k", retrying: false }),
		emit: () => {},
		emitMessage: () => {},
		streamingMessages: false,
		reportUsage: () => {},
		callOptions: {},
	};
}

describe("toolNode re-runs", () => {
	it("never repeats a tool that already ran when its node runs again after an interrupt", async () => {
		const { add, calls } = makeTools();
		const tools = toolNode([add]);
		const graph = new StateGraph(State)
			.addNode("model", () => ({
				messages: askTools({ name: "add", args: { a: 1, b: 2 }, id: "x" }),
			}))
			.addNode("tools", async (s, ctx) => {
				const out = await tools(s, ctx);
				await ctx.interrupt("checked?");
				return out;
			})
			.addEdge(START, "model")
			.addEdge("model", "tools")
			.compile({ checkpointer: new MemoryCheckpointer() });
		expect((await graph.run({ messages: [] }, { threadId: "t" })).status).toBe(
			"interrupted",
		);
		const done = await graph.run(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(toolMessages(done.values.messages).map((m) => m.content)).toEqual([
			"3",
		]);
		expect(calls.add).toBe(1);
	});

	// Found from outside (6 Dec): some OpenAI-compatible servers number tool calls per answer, so two calls
	// of one answer can share an id: one of them never ran and had no result. A call without an id was
	// answered under a made-up id that its AI message did not carry
	it("gives every call of a model's answer its own id, so that each runs and its result matches it", async () => {
		const { add, calls } = makeTools();
		const answers = [
			new AIMessage({
				content: "",
				id: "answer-1",
				tool_calls: [
					{
						name: "add",
						args: { a: 1, b: 2 },
						id: "call_0",
						type: "tool_call",
					},
					{
						name: "add",
						args: { a: 3, b: 4 },
						id: "call_0",
						type: "tool_call",
					},
					{ name: "add", args: { a: 5, b: 6 }, id: "", type: "tool_call" },
				],
				// the provider's own copy of the calls (OpenAI's form)
				additional_kwargs: {
					tool_calls: ["call_0", "call_0", ""].map((id, n) => ({
						id,
						type: "function" as const,
						function: { name: "add", arguments: `{"n":${n}}` },
					})),
				},
			}),
		];
		const model = { invoke: async () => answers.shift()! };
		const graph = new StateGraph(State)
			.addNode("model", llmNode({ model }))
			.addNode("tools", toolNode([add]))
			.addEdge(START, "model")
			.addConditionalEdges("model", toolsCondition)
			.addEdge("tools", END)
			.compile();
		const out = await graph.invoke({ messages: [new HumanMessage("add")] });
		expect(calls.add).toBe(3);
		const asked = (out.messages[1] as AIMessage).tool_calls!.map((c) => c.id);
		expect(new Set(asked).size).toBe(3);
		expect(asked[0]).toBe("call_0");
		expect(asked.every((id) => typeof id === "string" && id !== "")).toBe(true);
		expect(
			(out.messages[1] as AIMessage).additional_kwargs.tool_calls?.map(
				(c) => c.id,
			),
		).toEqual(asked);
		const answered = toolMessages(out.messages);
		expect(answered.map((m) => m.tool_call_id)).toEqual(asked);
		expect(answered.map((m) => m.content)).toEqual(["3", "7", "11"]);
	});

	it("refuses two tools of one name, and an agent without a model, with CONFIG_INVALID", () => {
		const { add } = makeTools();
		expect(() => toolNode([add, add])).toThrow(
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: expect.stringContaining('"add"'),
			}),
		);
		expect(() =>
			createAgent({ model: undefined as never, tools: [add] }),
		).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
	});
});
