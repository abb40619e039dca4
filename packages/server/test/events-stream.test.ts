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
	.addNode("count", () => ({}))
	.addEdge(START, "agent")
	.addEdge("agent", "count")
	.addEdge("count", END)
	.compile();

const review = new StateGraph(
	z.object({ draft: z.string(), approval: z.string().optional() }),
)
	.addNode("write", (s) => ({ draft: `${s.draft}!` }))
	.addNode("review", async (_s, ctx) => ({
		approval: await ctx.interrupt<string>({ question: "approve?" }),
	}))
	.addEdge(START, "write")
	.addEdge("write", "review")
	.addEdge("review", END)
	.compile();

/** A node that waits until its run is cancelled. */
const slow = new StateGraph(z.object({ done: z.boolean().optional() }))
	.addNode("first", () => ({ done: false }))
	.addNode(
		"wait",
		(_s, ctx) =>
			new Promise<{ done: boolean }>((_resolve, reject) =>
				ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
			),
	)
	.addEdge(START, "first")
	.addEdge("first", "wait")
	.addEdge("wait", END)
	.compile();

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { chat, review, slow },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

type StreamEvent = {
	event: string;
	name: string;
	run_id: string;
	tags: string[];
	metadata: Record<string, any>;
	data: Record<string, any>;
	parent_ids: string[];
};

async function collect(
	stream: AsyncIterable<{ event: string; data: any }>,
): Promise<{ runId: string; events: StreamEvent[]; others: string[] }> {
	let runId = "";
	const events: StreamEvent[] = [];
	const others: string[] = [];
	for await (const part of stream) {
		if (part.event === "metadata") runId = part.data.run_id;
		else if (part.event === "events") events.push(part.data);
		else others.push(part.event);
	}
	return { runId, events, others };
}

describe("the events stream mode (LangChain's stream events, as LangGraph's server sends them)", () => {
	it("sends the graph's run, each node's task and each model call's start, chunks and end", async () => {
		const thread = await client.threads.create();
		const { runId, events, others } = await collect(
			client.runs.stream(thread.thread_id, "chat", {
				input: { messages: [{ role: "user", content: "hi" }] },
				streamMode: "events",
			}),
		);
		expect(others).toEqual([]);
		const kinds = events.map((e) => `${e.event}:${e.name}`);
		const modelStreams = kinds.filter((k) =>
			k.startsWith("on_chat_model_stream"),
		).length;
		expect(modelStreams).toBeGreaterThan(1);
		const model = events.find((e) => e.event === "on_chat_model_start")!.name;
		expect(kinds).toEqual([
			"on_chain_start:LangGraph",
			"on_chain_start:agent",
			`on_chat_model_start:${model}`,
			...Array(modelStreams).fill(`on_chat_model_stream:${model}`),
			`on_chat_model_end:${model}`,
			"on_chain_end:agent",
			"on_chain_start:count",
			"on_chain_end:count",
			"on_chain_end:LangGraph",
		]);
		const [root, agent] = events;
		// the graph's run is the server's run; its nodes' and model calls' runs sit under it
		expect(root!).toMatchObject({ run_id: runId, parent_ids: [], tags: [] });
		expect(root!.data.input).toEqual({
			messages: [{ role: "user", content: "hi" }],
		});
		expect(root!.metadata).toMatchObject({
			run_id: runId,
			thread_id: thread.thread_id,
			graph_id: "chat",
		});
		// a node starts from the state of its step; it ends with its output, its input beside it
		expect(agent!.data.input.messages).toEqual([
			expect.objectContaining({ type: "human", content: "hi" }),
		]);
		expect(agent!).toMatchObject({
			tags: ["graph:step:1"],
			parent_ids: [runId],
			metadata: { langgraph_node: "agent", langgraph_step: 1 },
		});
		// the node's run id is its task's id in the state's tasks and namespaces
		expect(agent!.metadata.langgraph_checkpoint_ns).toBe(
			`agent:${agent!.run_id}`,
		);
		const chunks = events.filter((e) => e.event === "on_chat_model_stream");
		expect(chunks.map((e) => e.data.chunk.content).join("")).toBe(
			"hello there",
		);
		for (const e of chunks)
			expect(e).toMatchObject({
				parent_ids: [runId, agent!.run_id],
				metadata: { langgraph_node: "agent", ls_model_type: "chat" },
			});
		const modelEnd = events.find((e) => e.event === "on_chat_model_end")!;
		expect(modelEnd.data.output).toMatchObject({
			type: "ai",
			content: "hello there",
		});
		expect(modelEnd.run_id).toBe(chunks[0]!.run_id);
		const agentEnd = events.find(
			(e) => e.event === "on_chain_end" && e.name === "agent",
		)!;
		expect(agentEnd.run_id).toBe(agent!.run_id);
		expect(agentEnd.data.input).toEqual(agent!.data.input);
		expect(agentEnd.data.output.messages[0]).toMatchObject({
			type: "ai",
			content: "hello there",
			id: modelEnd.data.output.id,
		});
		expect(events.at(-1)!.data.output.messages.map((m: any) => m.type)).toEqual(
			["human", "ai"],
		);
	});

	it("a run that pauses ends the graph's run with the paused state and leaves the asking node open; the resume runs it again", async () => {
		const thread = await client.threads.create();
		const paused = await collect(
			client.runs.stream(thread.thread_id, "review", {
				input: { draft: "d" },
				streamMode: ["events"],
			}),
		);
		expect(paused.events.map((e) => `${e.event}:${e.name}`)).toEqual([
			"on_chain_start:LangGraph",
			"on_chain_start:write",
			"on_chain_end:write",
			"on_chain_start:review",
			"on_chain_end:LangGraph",
		]);
		expect(paused.events.at(-1)!.data.output).toMatchObject({ draft: "d!" });
		const resumed = await collect(
			client.runs.stream(thread.thread_id, "review", {
				command: { resume: "yes" },
				streamMode: "events",
			}),
		);
		expect(resumed.events.map((e) => `${e.event}:${e.name}`)).toEqual([
			"on_chain_start:LangGraph",
			"on_chain_start:review",
			"on_chain_end:review",
			"on_chain_end:LangGraph",
		]);
		// a command as LangGraph's server shows one; the resumed node starts from the paused state
		expect(resumed.events[0]!.data.input).toEqual({
			lg_name: "Command",
			resume: "yes",
			goto: [],
		});
		expect(resumed.events[1]!.data.input).toEqual({ draft: "d!" });
		expect(resumed.events.at(-1)!.data.output).toEqual({
			draft: "d!",
			approval: "yes",
		});
	});

	it("a cancelled run's graph does not end: its stream stops at its last node's start", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: {},
			streamMode: ["events"],
		});
		const seen: string[] = [];
		for await (const part of client.runs.joinStream(
			thread.thread_id,
			run.run_id,
			{ streamMode: ["events"] },
		)) {
			if (part.event !== "events") continue;
			const e = part.data as StreamEvent;
			seen.push(`${e.event}:${e.name}`);
			if (e.event === "on_chain_start" && e.name === "wait")
				await client.runs.cancel(thread.thread_id, run.run_id);
		}
		expect(seen).toEqual([
			"on_chain_start:LangGraph",
			"on_chain_start:first",
			"on_chain_end:first",
			"on_chain_start:wait",
		]);
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
	});

	it("a background run created with events is joined with them, beside other modes", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "chat", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["events", "updates"],
		});
		const joined = await collect(
			client.runs.joinStream(thread.thread_id, run.run_id, {
				streamMode: ["events", "updates"],
			}),
		);
		expect(joined.events[0]).toMatchObject({
			event: "on_chain_start",
			name: "LangGraph",
			run_id: run.run_id,
		});
		expect(joined.events.at(-1)).toMatchObject({
			event: "on_chain_end",
			name: "LangGraph",
		});
		expect(joined.others.filter((e) => e === "updates")).toHaveLength(2);
	});
});
