// API.md "LLM calls and tools": `model` may be a @weft/models router. A ModelRouter as the model of
// createAgent (with approval, on a real SQLite file) and of llmNode: it falls back from a failing model,
// binds the tools on the model that answers, streams its tokens as message events, and the run's usage
// names the model that answered (with its cost) by model and by node.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, START, StateGraph } from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { ModelRouter } from "@weft/models";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const dir = mkdtempSync(join(tmpdir(), "weft-llm-router-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sent: string[] = [];
const sendEmail = tool(
	async ({ to, body }) => {
		sent.push(`${to}: ${body}`);
		return `sent to ${to}`;
	},
	{
		name: "send_email",
		description: "Sends an email",
		schema: z.object({ to: z.string().email(), body: z.string() }),
	},
);

describe("API.md: a @weft/models router as the model", () => {
	it("createAgent on a router: falls back from a failing model, approval on SQLite, usage by the model that answered", async () => {
		const primary = new ScriptedChatModel({
			model: "gpt-4o",
			replies: [
				{ fail: "server", status: 500 },
				{ fail: "rate-limit", retryAfterSeconds: 0 },
			],
		});
		const backup = new ScriptedChatModel({
			model: "claude-sonnet-4-5",
			replies: [
				{
					toolCalls: [
						{
							name: "send_email",
							args: { to: "bob@example.com", body: "Friday" },
							id: "mail1",
						},
					],
					usage: { input: 1000, output: 50 },
				},
				{ content: "Mail sent.", usage: { input: 1200, output: 20 } },
			],
		});
		const model = new ModelRouter({
			models: { "gpt-4o": primary, "claude-sonnet-4-5": backup },
			defaultChain: ["gpt-4o", "claude-sonnet-4-5"],
			retry: { maxRetries: 0 },
		});
		const checkpointer = new SqliteCheckpointer({
			path: join(dir, "agent.db"),
		});
		const agent = createAgent({
			model,
			tools: [sendEmail],
			checkpointer,
			approve: ["send_email"],
			system: "You send mail.",
		});
		const paused = await agent.run(
			{ messages: [new HumanMessage("Tell Bob: Friday")] },
			{ threadId: "r1" },
		);
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts[0]!.value).toMatchObject({
			human: "approve",
			request: { toolCalls: [{ id: "mail1", name: "send_email" }] },
		});
		// the model that answered was given the tools
		expect(backup.calls[0]!.tools).toEqual(["send_email"]);
		expect(paused.usage.byModel["claude-sonnet-4-5"]).toMatchObject({
			inputTokens: 1000,
			outputTokens: 50,
		});
		expect(paused.usage.byModel["gpt-4o"]).toBeUndefined();

		const done = await agent.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "r1" },
		);
		expect(done.status).toBe("done");
		expect(sent).toEqual(["bob@example.com: Friday"]);
		expect(primary.calls).toHaveLength(2);
		expect(backup.calls).toHaveLength(2);
		expect(
			done.values.messages
				.filter((m) => ToolMessage.isInstance(m))
				.map((m) => (m as ToolMessage).status),
		).toEqual(["success"]);
		expect(done.values.messages.at(-1)!.content).toBe("Mail sent.");
		expect(done.usage).toMatchObject({
			inputTokens: 1200,
			outputTokens: 20,
			totalTokens: 1220,
			byModel: { "claude-sonnet-4-5": { inputTokens: 1200 } },
			byNode: { agent: { inputTokens: 1200 } },
		});
		expect(done.usage.costUsd).toBeGreaterThan(0);
		const total = await agent.getUsage({ threadId: "r1" });
		expect(total).toMatchObject({
			inputTokens: 2200,
			outputTokens: 70,
			byModel: { "claude-sonnet-4-5": { inputTokens: 2200 } },
		});
		await checkpointer.close();
	});

	it("llmNode on a router streams the fallback's tokens as message events; usage and cost by model and node", async () => {
		const model = new ModelRouter({
			models: {
				"gpt-4o": new ScriptedChatModel({
					model: "gpt-4o",
					replies: [{ fail: "server", status: 503 }],
				}),
				"gpt-4o-mini": new ScriptedChatModel({
					model: "gpt-4o-mini",
					replies: [
						{
							content: "Hello there, friend.",
							chunks: ["Hello ", "there, ", "friend."],
							usage: { input: 900, output: 40 },
						},
					],
				}),
			},
			defaultChain: ["gpt-4o", "gpt-4o-mini"],
			retry: { maxRetries: 0 },
		});
		const graph = new StateGraph(z.object({ messages: messages() }))
			.addNode("chat", llmNode({ model }))
			.addEdge(START, "chat")
			.compile();
		const tokens: string[] = [];
		let usage:
			| {
					inputTokens: number;
					costUsd?: number;
					byModel: Record<string, { costUsd?: number }>;
					byNode: Record<string, { costUsd?: number }>;
			  }
			| undefined;
		for await (const ev of graph.stream(
			{ messages: [new HumanMessage("hi")] },
			{ mode: "messages" },
		)) {
			if (ev.type === "message") {
				expect(ev.node).toBe("chat");
				tokens.push(String((ev.chunk as { content: unknown }).content));
			}
			if (ev.type === "end") usage = ev.result.usage as typeof usage;
		}
		expect(tokens.join("")).toBe("Hello there, friend.");
		expect(tokens.filter((t) => t !== "").length).toBe(3);
		expect(usage).toMatchObject({
			inputTokens: 900,
			outputTokens: 40,
			totalTokens: 940,
		});
		expect(Object.keys(usage!.byModel)).toEqual(["gpt-4o-mini"]);
		expect(usage!.byModel["gpt-4o-mini"]!.costUsd).toBeGreaterThan(0);
		expect(usage!.byNode.chat!.costUsd).toBe(usage!.costUsd);
	});
});
