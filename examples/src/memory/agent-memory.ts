import { HumanMessage } from "@langchain/core/messages";
import {
	Command,
	MemoryCheckpointer,
	MemoryStore,
	START,
	StateGraph,
} from "@weft/graph";
import {
	type ChatModelLike,
	createAgent,
	memoryTools,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { z } from "zod";

/** A node that remembers through ctx.store, under the run's user. */
export async function nodeMemory() {
	// #region ctx-store
	const store = new MemoryStore();
	const graph = new StateGraph(
		z.object({ note: z.string(), seen: z.number().default(0) }),
	)
		.addNode("remember", async (s, ctx) => {
			const ns = ["users", "{userId}", "notes"]; // {userId} comes from the run's context
			// a key from the clock is saved with ctx.once, so the node's next run writes to the same item
			const key = await ctx.once("note-key", () => `note-${Date.now()}`);
			await ctx.store!.put(ns, key, { text: s.note }); // written once per task
			const ok = await ctx.interrupt<boolean>("keep going?"); // the node runs again on resume…
			const notes = await ctx.store!.list(ns); // …but its put above is not repeated
			return { seen: ok ? notes.length : 0 };
		})
		.addEdge(START, "remember")
		.compile({ checkpointer: new MemoryCheckpointer(), store });

	const run = { threadId: "n1", context: { userId: "alice" } };
	await graph.run({ note: "Alice is allergic to nuts" }, run);
	const done = await graph.run(new Command({ resume: true }), run);
	// done.values.seen === 1; store.list(["users", "alice"]) holds the one note
	// #endregion ctx-store
	return { done, items: await store.list(["users"]) };
}

export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		{
			toolCalls: [
				{
					name: "remember",
					args: { text: "Alice prefers green tea", key: "drink" },
				},
			],
		},
		"Noted: green tea.",
		"Green tea, as you like it.",
	]);
}

/** An agent with memory tools and recall into the prompt. */
export async function agentMemory(model: ChatModelLike = scriptedModel()) {
	// #region agent
	const store = new MemoryStore(); // or SqliteStore / PostgresStore
	const namespace = ["users", "{userId}", "memories"];
	const agent = createAgent({
		model,
		tools: memoryTools(store, { namespace }), // remember, recall, forget
		memory: { store, namespace, limit: 5 }, // recalled into the prompt before each model call
		checkpointer: new MemoryCheckpointer(),
	});
	const alice = { context: { userId: "alice" } };
	await agent.invoke(
		{ messages: [new HumanMessage("I like green tea")] },
		{ threadId: "a1", ...alice },
	);
	// a new thread, days later: the model sees "- [drink] Alice prefers green tea" before the question
	const later = await agent.invoke(
		{ messages: [new HumanMessage("What tea should I order?")] },
		{ threadId: "a2", ...alice },
	);
	// #endregion agent
	return { later, store };
}
