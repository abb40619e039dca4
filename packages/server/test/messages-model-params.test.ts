import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";

// LangGraph's server sends, beside each messages-tuple chunk, the `ls_*` params the model reports of
// itself (LangChain's getLsParams: provider, model name, type, temperature…): useStream and LangSmith
// read them. Weft sent the langgraph_* keys only (found probing with the SDK, 7 Dec).

/** A scripted model that reports itself as a provider's integration does (ChatOpenAI, ChatAnthropic…). */
class AcmeChat extends ScriptedChatModel {
	override getLsParams(options: this["ParsedCallOptions"]) {
		return {
			...super.getLsParams(options),
			ls_provider: "acme",
			ls_model_name: "acme-1",
			ls_temperature: 0.2,
		};
	}
}

const agent = (model: ScriptedChatModel) =>
	new StateGraph(z.object({ messages: messages() }))
		.addNode("agent", llmNode({ model }))
		.addEdge(START, "agent")
		.addEdge("agent", END)
		.compile();

const acme = agent(
	new AcmeChat({ replies: ["hello there"], repeatLast: true }),
);
/** `acme` as the subgraph node `inner`. */
const nested = new StateGraph(z.object({ messages: messages() }))
	.addNode("inner", acme)
	.addEdge(START, "inner")
	.addEdge("inner", END)
	.compile();

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { acme, nested },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

const tupleMetadata = async (graph: string, subgraphs = false) => {
	const thread = await client.threads.create();
	const out: Record<string, unknown>[] = [];
	for await (const p of client.runs.stream(thread.thread_id, graph, {
		input: { messages: [{ role: "user", content: "hi" }] },
		streamMode: ["messages-tuple"],
		streamSubgraphs: subgraphs,
	}))
		if (p.event.startsWith("messages"))
			out.push((p.data as [unknown, Record<string, unknown>])[1]);
	return out;
};

describe("messages-tuple metadata: what the model reports of itself", () => {
	it("carries the model's ls_* params beside the langgraph_* keys, its unset ones left out", async () => {
		const metas = await tupleMetadata("acme");
		expect(metas.length).toBeGreaterThan(0);
		for (const m of metas) {
			expect(m).toMatchObject({
				langgraph_node: "agent",
				ls_provider: "acme",
				ls_model_name: "acme-1",
				ls_model_type: "chat",
				ls_temperature: 0.2,
			});
			// LangChain's own ls_stop is undefined without stop words: left out, as JSON drops it there
			expect(m).not.toHaveProperty("ls_stop");
		}
	});

	it("so do the older messages mode's messages/metadata and the events mode's model calls", async () => {
		const thread = await client.threads.create();
		const parts: { event: string; data: any }[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "acme", {
			input: { messages: [{ role: "user", content: "hi" }] },
			streamMode: ["messages", "events"],
		}))
			parts.push(p as never);
		const older = parts.filter((p) => p.event === "messages/metadata");
		expect(older.length).toBeGreaterThan(0);
		for (const p of older)
			for (const { metadata } of Object.values(p.data) as any[])
				expect(metadata).toMatchObject({
					ls_provider: "acme",
					ls_model_name: "acme-1",
				});
		const starts = parts.filter(
			(p) => p.event === "events" && p.data.event === "on_chat_model_start",
		);
		expect(starts.length).toBe(1);
		expect(starts[0]!.data.metadata).toMatchObject({
			ls_provider: "acme",
			ls_model_type: "chat",
			ls_temperature: 0.2,
		});
	});

	it("a subgraph's chunks carry them too (with stream_subgraphs and without)", async () => {
		for (const subgraphs of [false, true]) {
			const metas = await tupleMetadata("nested", subgraphs);
			expect(metas.length).toBeGreaterThan(0);
			for (const m of metas)
				expect(m).toMatchObject({
					ls_provider: "acme",
					ls_model_name: "acme-1",
				});
		}
	});
});
