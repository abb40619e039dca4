// messages-tuple sends the messages nodes return without streaming them (a tool's answer, a message a
// plain function makes), once each, beside the streamed tokens, as LangGraph's server does; never a
// message the node read, nor one already sent as chunks (audit with the LangGraph SDK, 5 Dec).
import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";

const add = tool(async ({ a, b }) => String(a + b), {
	name: "add",
	description: "adds two numbers",
	schema: z.object({ a: z.number(), b: z.number() }),
});
/** An agent that calls `add` once, then answers (its scripted replies are its own). */
const adder = () =>
	createAgent({
		model: new ScriptedChatModel({
			replies: [
				{ toolCalls: [{ name: "add", args: { a: 1, b: 2 }, id: "add1" }] },
				"It is 3.",
			],
		}),
		tools: [add],
	});
const agent = adder();

/** A node that makes its message itself, then one that pauses for a human and answers with a message. */
const plain = new StateGraph(z.object({ messages: messages() }))
	.addNode("greet", () => ({
		messages: [new AIMessage({ content: "made by hand", id: "hand-1" })],
	}))
	.addNode("ask", async (_s, ctx) => {
		const answer = await ctx.interrupt<string>("name?");
		return { messages: [new AIMessage(`hello ${answer}`)] };
	})
	.addEdge(START, "greet")
	.addEdge("greet", "ask")
	.addEdge("ask", END)
	.compile();

/** A model whose chunks carry no id (the server names them `run-…`). */
const anonymous = new StateGraph(z.object({ messages: messages() }))
	.addNode(
		"agent",
		llmNode({
			model: new FakeListChatModel({ responses: ["hi there friend"] }),
		}),
	)
	.addEdge(START, "agent")
	.addEdge("agent", END)
	.compile();

/** An agent as the subgraph node `helper` of a parent graph (one per test: each has its replies). */
const parentGraph = () =>
	new StateGraph(z.object({ messages: messages() }))
		.addNode("helper", adder())
		.addEdge(START, "helper")
		.addEdge("helper", END)
		.compile();

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: {
			agent,
			plain,
			anonymous,
			parent: parentGraph(),
			parent2: parentGraph(),
		},
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

type Part = { event: string; data: any };
async function streamed(
	graph: string,
	thread: string,
	body: Record<string, unknown>,
): Promise<Part[]> {
	const parts: Part[] = [];
	for await (const p of client.runs.stream(thread, graph, {
		...body,
		streamMode: ["messages-tuple"],
	}))
		parts.push(p);
	return parts.filter((p) => p.event.startsWith("messages"));
}

/** The messages sent, one entry per message id, with the node each came from. */
const byId = (parts: Part[]) => {
	const out = new Map<string, { type: string; node: string; events: number }>();
	for (const p of parts) {
		const [m, meta] = p.data;
		const seen = out.get(m.id);
		if (seen === undefined)
			out.set(m.id, { type: m.type, node: meta.langgraph_node, events: 1 });
		else seen.events++;
	}
	return [...out.values()];
};

describe("messages-tuple and the messages nodes return", () => {
	it("sends a tool's answer once, from the tools node, between the model's tokens; not the input", async () => {
		const thread = await client.threads.create();
		const parts = await streamed("agent", thread.thread_id, {
			input: { messages: [{ role: "user", content: "add 1 and 2" }] },
		});
		const sent = byId(parts);
		expect(sent.map((m) => [m.type, m.node])).toEqual([
			["ai", "agent"],
			["tool", "tools"],
			["ai", "agent"],
		]);
		const tool = parts.find((p) => p.data[0].type === "tool")!;
		expect(tool.data[0]).toMatchObject({ content: "3", tool_call_id: "add1" });
		expect(tool.data[1]).toMatchObject({
			graph_id: "agent",
			thread_id: thread.thread_id,
			langgraph_node: "tools",
			langgraph_step: 2,
			langgraph_triggers: ["branch:to:tools"],
		});
		expect(tool.data[1].langgraph_checkpoint_ns).toMatch(/^tools:/);
		// the id the state keeps
		const state = await client.threads.getState<any>(thread.thread_id);
		expect(state.values.messages[2]).toMatchObject({
			type: "tool",
			id: tool.data[0].id,
		});
	});

	it("sends a message a plain node made, and after a resume the resumed node's, each once", async () => {
		const thread = await client.threads.create();
		const first = await streamed("plain", thread.thread_id, {
			input: { messages: [{ role: "user", content: "hi" }] },
		});
		expect(first.map((p) => [p.data[0].id, p.data[0].content])).toEqual([
			["hand-1", "made by hand"],
		]);
		expect(first[0]!.data[1]).toMatchObject({ langgraph_node: "greet" });
		const after = await streamed("plain", thread.thread_id, {
			command: { resume: "Ann" },
		});
		expect(
			after.map((p) => [p.data[0].content, p.data[1].langgraph_node]),
		).toEqual([["hello Ann", "ask"]]);
	});

	it("with streamSubgraphs, sends a subgraph node's returned message once, named by the subgraph's namespace", async () => {
		const thread = await client.threads.create();
		const parts = await streamed("parent", thread.thread_id, {
			input: { messages: [{ role: "user", content: "add 1 and 2" }] },
			streamSubgraphs: true,
		});
		const sent = byId(parts);
		expect(sent.map((m) => [m.type, m.node])).toEqual([
			["ai", "agent"],
			["tool", "tools"],
			["ai", "agent"],
		]);
		// every message is the subgraph's: none at the root, none twice
		expect(new Set(parts.map((p) => p.event.split(":")[0]))).toEqual(
			new Set(["messages|helper"]),
		);
		const tool = parts.find((p) => p.data[0].type === "tool")!;
		expect(tool.data[1]).toMatchObject({
			langgraph_node: "tools",
			thread_id: thread.thread_id,
		});
		const [outer, inner] = tool.data[1].langgraph_checkpoint_ns.split("|");
		expect(tool.event).toBe(`messages|${outer}`);
		expect(inner).toMatch(/^tools:/);
		// without it, the subgraph node's update sends them at the root, once each
		const root = await streamed(
			"parent2",
			(await client.threads.create()).thread_id,
			{
				input: { messages: [{ role: "user", content: "add 1 and 2" }] },
			},
		);
		expect(new Set(root.map((p) => p.event))).toEqual(new Set(["messages"]));
		// (the tool's answer when the subgraph node's step is saved, after the streamed answers)
		expect(byId(root).map((m) => m.type)).toEqual(["ai", "ai", "tool"]);
	});

	it("does not send a streamed answer again whole (chunks without an id of their own either)", async () => {
		const thread = await client.threads.create();
		const parts = await streamed("anonymous", thread.thread_id, {
			input: { messages: [{ role: "user", content: "hi" }] },
		});
		const sent = byId(parts);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ type: "ai", node: "agent" });
		expect(sent[0]!.events).toBeGreaterThan(1);
		expect(parts.map((p) => p.data[0].content).join("")).toBe(
			"hi there friend",
		);
	});
});
