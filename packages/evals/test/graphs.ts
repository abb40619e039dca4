// Small graphs for the evaluation tests: a lookup "QA" graph, an approval graph, an agent with a tool.
import { tool } from "@langchain/core/tools";
import { human, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { z } from "zod";

/**
 * Looks the answer up in a table, then polishes it (two steps, two checkpoints). `calls` counts lookups
 * per question, `polished` lists polished questions; questions in `failOnce` fail their lookup once.
 */
export function qaGraph(table: Record<string, string>) {
	const calls: Record<string, number> = {};
	const polished: string[] = [];
	const failOnce = new Set<string>();
	const beforePolish = { current: (_question: string) => {} };
	const State = z.object({
		question: z.string(),
		answer: z.string().default(""),
	});
	const graph = new StateGraph(State)
		.addNode("lookup", (s) => {
			calls[s.question] = (calls[s.question] ?? 0) + 1;
			if (failOnce.delete(s.question))
				throw new Error(`lookup broke on "${s.question}"`);
			return { answer: table[s.question] ?? "I don't know" };
		})
		.addNode("polish", (s) => {
			beforePolish.current(s.question);
			polished.push(s.question);
			return { answer: s.answer.trim() };
		})
		.addEdge(START, "lookup")
		.addEdge("lookup", "polish")
		.compile({ checkpointer: new MemoryCheckpointer() });
	return { graph, calls, polished, failOnce, beforePolish };
}

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.discriminatedUnion("action", [
		z.object({ action: z.literal("approve") }),
		z.object({ action: z.literal("reject"), reason: z.string() }),
	]),
});

/** Drafts a reply, asks a human, then sends or not. */
export function approvalGraph() {
	const State = z.object({
		request: z.string(),
		draft: z.string().default(""),
		answer: z.string().default(""),
	});
	return new StateGraph(State)
		.addNode("write", (s) => ({ draft: `Reply: ${s.request}` }))
		.addNode("approve", async (s, ctx) => {
			const a = await review.ask(ctx, { draft: s.draft });
			return {
				answer:
					a.action === "approve" ? `sent ${s.draft}` : `not sent (${a.reason})`,
			};
		})
		.addEdge(START, "write")
		.addEdge("write", "approve")
		.compile({ checkpointer: new MemoryCheckpointer() });
}

/** An agent that searches once, then answers. */
export function searchAgent() {
	const search = tool(
		async ({ query }: { query: string }) => `results for ${query}`,
		{
			name: "search",
			description: "search the web",
			schema: z.object({ query: z.string(), limit: z.number().optional() }),
		},
	);
	const model = new ScriptedChatModel({
		replies: [
			{
				toolCalls: [{ name: "search", args: { query: "weft", limit: 3 } }],
				usage: { input: 100, output: 10 },
			},
			"Weft is a graph runtime.",
		],
	});
	return createAgent({
		model,
		tools: [search],
		checkpointer: new MemoryCheckpointer(),
	});
}
