import { HumanMessage } from "@langchain/core/messages";
import { START, StateGraph } from "@weft/graph";
import {
	type ChatModelLike,
	documents,
	formatDocuments,
	LocalRetriever,
	llmNode,
	messages,
	retrieverNode,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { z } from "zod";

const handbook = [
	{
		source: "leave.md",
		text: "# Leave\n\nEveryone gets 25 days of paid leave a year.\n\n# Sick days\n\nSick days do not count as leave.",
	},
	{
		source: "travel.md",
		text: "# Travel\n\nBook trains for trips under 500 km. Flights need approval.",
	},
];

export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		(call) =>
			`From the handbook: ${/\] (?:#[^\n]*\n\n)?([^\n]+)/.exec(String(call.messages.at(-1)?.content))?.[1] ?? "nothing found"}`,
	]);
}

export async function main(model: ChatModelLike = scriptedModel()) {
	// #region rag
	const retriever = LocalRetriever.fromTexts(handbook, { k: 2 }); // or await LocalRetriever.fromDirectory("docs")
	const State = z.object({
		question: z.string(),
		docs: documents(),
		messages: messages(),
	});
	const rag = new StateGraph(State)
		.addNode(
			"retrieve",
			retrieverNode({
				retriever,
				query: (s: { question: string }) => s.question,
				into: "docs",
			}),
		)
		.addNode(
			"answer",
			llmNode<z.output<typeof State>>({
				model,
				system: "Answer from the context only. Cite [source#passage].",
				prompt: (s) => [
					new HumanMessage(
						`Question: ${s.question}\n\nContext:\n${formatDocuments(s.docs)}`,
					),
				],
			}),
		)
		.addEdge(START, "retrieve")
		.addEdge("retrieve", "answer")
		.compile();
	const result = await rag.invoke({
		question: "How many days of paid leave do I get?",
	});
	// result.docs[0].metadata: { source: "leave.md", passage: 0, score }
	// #endregion rag
	return { docs: result.docs, answer: result.messages.at(-1)?.content };
}
