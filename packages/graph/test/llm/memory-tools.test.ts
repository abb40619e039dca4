import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import { isWeftError, MemoryCheckpointer, MemoryStore } from "@weft/graph";
import { createAgent, memoryTools, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";

const ns = ["users", "{userId}", "memories"];

describe("memoryTools and createAgent memory", () => {
	it("remembers, recalls and forgets in the caller's own namespace", async () => {
		const store = new MemoryStore();
		const model = new ScriptedChatModel([
			{
				toolCalls: [
					{
						name: "remember",
						args: { text: "Alice prefers green tea", key: "drink" },
						id: "r1",
					},
				],
			},
			"Noted.",
			{ toolCalls: [{ name: "recall", args: { query: "tea" }, id: "q1" }] },
			"You like green tea.",
			{ toolCalls: [{ name: "recall", args: { query: "tea" }, id: "q2" }] },
			"I know nothing about you.",
			{ toolCalls: [{ name: "forget", args: { key: "drink" }, id: "f1" }] },
			"Forgotten.",
		]);
		const agent = createAgent({
			model,
			tools: memoryTools(store, { namespace: ns }),
			checkpointer: new MemoryCheckpointer(),
		});
		const say = (text: string, userId: string, threadId: string) =>
			agent.invoke(
				{ messages: [new HumanMessage(text)] },
				{ threadId, context: { userId } },
			);
		const toolText = (messages: unknown[]) =>
			messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m)).at(-1)
				?.text;

		await say("I like green tea", "alice", "a1");
		expect(
			(await store.get(["users", "alice", "memories"], "drink"))?.value,
		).toEqual({
			text: "Alice prefers green tea",
		});
		expect(
			toolText((await say("what do I drink?", "alice", "a2")).messages),
		).toBe("[drink] Alice prefers green tea");
		expect(
			toolText((await say("what do I drink?", "bob", "b1")).messages),
		).toBe("no memories match");
		expect(toolText((await say("forget it", "alice", "a2")).messages)).toBe(
			'forgot "drink"',
		);
		expect(await store.list(["users"])).toEqual([]);
	});

	it("answers with an error, never a shared namespace, when the context lacks the user", async () => {
		const store = new MemoryStore();
		const model = new ScriptedChatModel([
			{ toolCalls: [{ name: "remember", args: { text: "x" }, id: "r1" }] },
			"ok",
		]);
		const agent = createAgent({
			model,
			tools: memoryTools(store, { namespace: ns }),
		});
		const out = await agent.invoke({ messages: [new HumanMessage("hi")] });
		const answer = out.messages.find((m): m is ToolMessage =>
			ToolMessage.isInstance(m),
		);
		expect(answer?.status).toBe("error");
		expect(answer?.text).toContain("userId");
		expect(await store.listNamespaces()).toEqual([]);
	});

	it("recalls matching memories into the prompt before each model call", async () => {
		const store = new MemoryStore();
		await store.put(["users", "alice", "memories"], "drink", {
			text: "Alice prefers green tea",
		});
		await store.put(["users", "alice", "memories"], "city", {
			text: "Alice lives in Lisbon",
		});
		await store.put(["users", "bob", "memories"], "drink", {
			text: "Bob drinks tea with milk",
		});
		const model = new ScriptedChatModel(["Green tea, as you like it."]);
		const agent = createAgent({ model, memory: { store, namespace: ns } });
		const out = await agent.invoke(
			{ messages: [new HumanMessage("Which tea should I order?")] },
			{ context: { userId: "alice" } },
		);
		const sent = model.calls[0]!.messages.map((m) => m.text);
		expect(sent[0]).toBe(
			"Relevant memories from earlier conversations:\n- [drink] Alice prefers green tea",
		);
		expect(sent.join("\n")).not.toContain("Bob");
		expect(out.messages.map((m) => m.text)).toEqual([
			"Which tea should I order?",
			"Green tea, as you like it.",
		]);
	});

	it("recalls from the run's store when memory has none, and says so when there is no store at all", async () => {
		const store = new MemoryStore();
		await store.put(["users", "bob", "memories"], "city", {
			text: "Bob lives in Porto",
		});
		const model = new ScriptedChatModel(["Porto.", "?"]);
		const agent = createAgent({ model, memory: { namespace: ns } });
		const input = { messages: [new HumanMessage("Where does Bob live?")] };
		await agent.invoke(input, { store, context: { userId: "bob" } });
		expect(model.calls[0]!.messages[0]!.text).toContain(
			"[city] Bob lives in Porto",
		);
		const error = await agent
			.invoke(input, { context: { userId: "bob" } })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
	});

	it("refuses options it cannot use when the tools are made (CONFIG_INVALID), not at each call", () => {
		// { ttl } (for ttlMs) was ignored, the memories kept for ever; ttlMs: -5 was taken, and every
		// remember then failed
		const store = new MemoryStore();
		const bad: unknown[] = [
			{ namespace: ns, ttl: 1000 },
			{ namespace: ns, ttlMs: -5 },
			{ namespace: ns, ttlMs: 0 },
			{ namespace: ns, ttlMs: "100" },
			{ namespace: ns, ttlMs: Number.POSITIVE_INFINITY },
			{ namespace: ns, limit: 0 },
			{ namespace: ns, limit: 2.5 },
			{ namespace: "users" },
			{ namespace: ["users", 1] },
			{},
			undefined,
			null,
		];
		for (const options of bad) {
			let error: unknown;
			try {
				memoryTools(store, options as never);
			} catch (e) {
				error = e;
			}
			expect(
				isWeftError(error, "CONFIG_INVALID") && error.hint !== undefined,
				JSON.stringify(options),
			).toBe(true);
		}
		expect(
			memoryTools(store, { namespace: ns, ttlMs: 0.5, limit: 1 }),
		).toHaveLength(3);
	});
});
