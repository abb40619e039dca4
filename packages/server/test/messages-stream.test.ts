import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";

const chat = new StateGraph(z.object({ messages: messages() }))
	.addNode(
		"agent",
		llmNode({
			model: new ScriptedChatModel({
				replies: ["hello there"],
				repeatLast: true,
			}),
		}),
	)
	.addEdge(START, "agent")
	.addEdge("agent", END)
	.compile();

/** A model whose chunks carry no id (as many providers' do not). */
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

/** `chat` as the subgraph node `inner`. */
const nested = new StateGraph(z.object({ messages: messages() }))
	.addNode("inner", chat)
	.addEdge(START, "inner")
	.addEdge("inner", END)
	.compile();

/** A node of one's own that streams plain chunks (an object with content, a string), not LangChain's. */
const plain = new StateGraph(z.object({ done: z.boolean().optional() }))
	.addNode("talk", (_s, ctx) => {
		ctx.emitMessage({ content: "plain ", id: "p1" });
		ctx.emitMessage("text");
		return { done: true };
	})
	.addEdge(START, "talk")
	.addEdge("talk", END)
	.compile();

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { chat, anonymous, nested, plain },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

describe("messages over the wire", () => {
	it("sends a node's plain chunks (an object with content, a string) as AI chunks; the run succeeds", async () => {
		// found by a helper (7 Dec): emitMessage({ content }) under weft dev ended the run INTERNAL_ERROR
		// ("m.getType is not a function"), while weft run printed it
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "plain", {
			input: {},
			streamMode: ["messages-tuple", "messages", "values"],
		}))
			parts.push(p);
		expect(parts.map((p) => p.event)).not.toContain("error");
		const tokens = parts.filter((p) => p.event === "messages");
		expect(tokens.map((t) => [t.data[0].type, t.data[0].content])).toEqual([
			["ai", "plain "],
			["ai", "text"],
		]);
		expect(parts.filter((p) => p.event === "values").at(-1)!.data).toEqual({
			done: true,
		});
	});

	it("streams messages-tuple token chunks and sends messages as LangGraph dicts", async () => {
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "chat", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["messages-tuple", "values"],
		}))
			parts.push(p);
		const tokens = parts.filter((p) => p.event === "messages");
		expect(parts.map((p) => p.event)).toContain("messages");
		// LangGraph's metadata: the run's (as on its checkpoints), then where the chunk came from
		expect(tokens[0]!.data[1]).toMatchObject({
			graph_id: "chat",
			thread_id: thread.thread_id,
			langgraph_node: "agent",
			langgraph_step: 1,
		});
		expect(tokens.map((t) => t.data[0].content).join("")).toBe("hello there");
		const last = parts.filter((p) => p.event === "values").at(-1)!.data;
		expect(last.messages.map((m: any) => [m.type, m.content])).toEqual([
			["human", "hi"],
			["ai", "hello there"],
		]);
	});

	it("with streamSubgraphs, names a subgraph's token chunks messages|<node>:<task id>, as LangGraph's server does", async () => {
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "nested", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["messages-tuple"],
			streamSubgraphs: true,
		}))
			parts.push(p);
		const history = await client.threads.getHistory(thread.thread_id);
		const ns = `inner:${history.at(-1)!.tasks[0]!.id}`;
		const tokens = parts.filter((p) => p.event.startsWith("messages"));
		expect(tokens.length).toBeGreaterThan(0);
		expect(new Set(tokens.map((t) => t.event))).toEqual(
			new Set([`messages|${ns}`]),
		);
		expect(tokens[0]!.data[1].langgraph_checkpoint_ns).toMatch(
			new RegExp(`^${ns}\\|agent:`),
		);
		// without it, the same chunks go as plain messages events
		const plain: string[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "nested", {
			input: { messages: [{ role: "user", content: "again" }] },
			streamMode: ["messages-tuple"],
		}))
			plain.push(p.event);
		expect(plain).toContain("messages");
		expect(plain.some((e) => e.includes("|"))).toBe(false);
	});

	it("gives every token chunk of one model call the id of the answer kept in state (useStream groups by it)", async () => {
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "anonymous", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["messages-tuple", "values"],
		}))
			parts.push(p);
		const ids = parts
			.filter((p) => p.event === "messages")
			.map((p) => p.data[0].id);
		expect(ids.length).toBeGreaterThan(1);
		expect(new Set(ids).size).toBe(1);
		expect(ids[0]).toMatch(/^run-/);
		const last = parts.filter((p) => p.event === "values").at(-1)!.data;
		expect(last.messages.at(-1)).toMatchObject({
			type: "ai",
			content: "hi there friend",
			id: ids[0],
		});
		const state = await client.threads.getState<any>(thread.thread_id);
		expect(state.values.messages.at(-1).id).toBe(ids[0]);
	});
	it("streams the older messages mode as LangGraph's server does: messages/metadata once per message (messages-tuple's metadata), messages/partial with the message so far, messages/complete for each message of the state", async () => {
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "chat", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["messages"],
		}))
			parts.push(p);
		const events = parts.map((p) => p.event);
		expect(events[0]).toBe("metadata");
		expect(events).not.toContain("values");
		const meta = parts.filter((p) => p.event === "messages/metadata");
		expect(meta).toHaveLength(1);
		const [id, entry] = Object.entries(meta[0]!.data)[0] as [string, any];
		expect(entry.metadata).toMatchObject({
			graph_id: "chat",
			thread_id: thread.thread_id,
			langgraph_node: "agent",
			langgraph_step: 1,
			langgraph_triggers: ["branch:to:agent"],
			langgraph_path: ["__pregel_pull", "agent"],
			langgraph_checkpoint_ns: expect.stringMatching(/^agent:/),
		});
		const partials = parts
			.filter((p) => p.event === "messages/partial")
			.map((p) => p.data[0]);
		expect(events.indexOf("messages/metadata")).toBeLessThan(
			events.indexOf("messages/partial"),
		);
		// each partial is the whole message so far
		for (const [i, m] of partials.entries()) {
			expect(m.id).toBe(id);
			if (i > 0)
				expect(m.content.startsWith(partials[i - 1].content)).toBe(true);
		}
		expect(partials.at(-1).content).toBe("hello there");
		const complete = parts
			.filter((p) => p.event === "messages/complete")
			.flatMap((p) => p.data);
		expect(complete.map((m: any) => [m.type, m.content])).toEqual([
			["human", "hi"],
			["ai", "hello there"],
		]);
		expect(complete[1].id).toBe(id);
	});

	it("joins a run's older messages mode stream with streamMode messages", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "chat", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["messages"],
		});
		const events: string[] = [];
		for await (const p of client.runs.joinStream(thread.thread_id, run.run_id, {
			streamMode: ["messages"],
			lastEventId: "-1",
		}))
			events.push(p.event);
		expect(events).toEqual(
			expect.arrayContaining([
				"messages/metadata",
				"messages/partial",
				"messages/complete",
			]),
		);
	});
});
