import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document } from "@langchain/core/documents";
import { HumanMessage } from "@langchain/core/messages";
import { BaseRetriever } from "@langchain/core/retrievers";
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import {
	documents,
	formatDocuments,
	LocalRetriever,
	llmNode,
	messages,
	retrieverNode,
	ScriptedChatModel,
	splitPassages,
} from "@weft/graph/llm";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const texts = [
	{
		source: "rivers.md",
		text: "# Nile\n\nThe Nile is the longest river in Africa.\n\n# Amazon\n\nThe Amazon carries the most water.",
	},
	{
		source: "lakes.txt",
		text: "Lake Baikal is the deepest lake.\n\nLake Superior is the largest by area.",
	},
];

let dir: string | undefined;
afterEach(async () => {
	if (dir !== undefined) await rm(dir, { recursive: true, force: true });
	dir = undefined;
});

describe("retrieval", () => {
	it("splits markdown into passages at headings and paragraphs", () => {
		const parts = splitPassages("rivers.md", texts[0]!.text, 60);
		expect(parts.map((p) => [p.passage, p.text])).toEqual([
			[0, "# Nile\n\nThe Nile is the longest river in Africa."],
			[1, "# Amazon\n\nThe Amazon carries the most water."],
		]);
		expect(
			splitPassages("x", "One. Two. Three.", 8).map((p) => p.text),
		).toEqual(["One.", "Two.", "Three."]);
	});

	it("finds passages by BM25 with source and passage metadata", async () => {
		const retriever = LocalRetriever.fromTexts(texts, { k: 2, maxChars: 60 });
		const docs = await retriever.invoke("which lake is deepest");
		expect(docs[0]).toBeInstanceOf(Document);
		expect(docs[0]?.pageContent).toBe("Lake Baikal is the deepest lake.");
		expect(docs[0]?.metadata).toMatchObject({
			source: "lakes.txt",
			passage: 0,
		});
		expect(docs.length).toBeLessThanOrEqual(2);
		expect(await retriever.invoke("volcano")).toEqual([]);
	});

	it("indexes a directory of text and markdown files", async () => {
		dir = await mkdtemp(join(tmpdir(), "weft-rag-"));
		await mkdir(join(dir, "sub"));
		await writeFile(join(dir, "rivers.md"), texts[0]!.text);
		await writeFile(join(dir, "sub", "lakes.txt"), texts[1]!.text);
		await writeFile(join(dir, "image.png"), "not text");
		const retriever = await LocalRetriever.fromDirectory(dir, { maxChars: 60 });
		expect(new Set(retriever.passages.map((p) => p.source))).toEqual(
			new Set(["rivers.md", "sub/lakes.txt"]),
		);
		const [top] = await retriever.invoke("Amazon water");
		expect(top?.metadata).toMatchObject({ source: "rivers.md", passage: 1 });
	});

	it("retrieverNode feeds any retriever's documents into the state for the model", async () => {
		class Fixed extends BaseRetriever {
			lc_namespace = ["test"];
			queries: string[] = [];
			override async _getRelevantDocuments(query: string) {
				this.queries.push(query);
				return [
					new Document({
						pageContent: "Weft is a graph runtime.",
						metadata: { source: "about.md", passage: 3 },
					}),
				];
			}
		}
		const retriever = new Fixed();
		const State = z.object({
			question: z.string(),
			docs: documents(),
			messages: messages(),
		});
		const model = new ScriptedChatModel(["A graph runtime [about.md#3]."]);
		const graph = new StateGraph(State)
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
					prompt: (s) => [
						new HumanMessage(
							`Context:\n${formatDocuments(s.docs)}\n\nQuestion: ${s.question}`,
						),
					],
				}),
			)
			.addEdge(START, "retrieve")
			.addEdge("retrieve", "answer")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const out = await graph.invoke(
			{ question: "What is Weft?" },
			{ threadId: "r" },
		);
		expect(retriever.queries).toEqual(["What is Weft?"]);
		expect(out.docs).toEqual([
			{
				pageContent: "Weft is a graph runtime.",
				metadata: { source: "about.md", passage: 3 },
			},
		]);
		expect(model.calls[0]?.messages[0]?.content).toBe(
			"Context:\n[about.md#3] Weft is a graph runtime.\n\nQuestion: What is Weft?",
		);
		expect((await graph.getState({ threadId: "r" })).values.docs).toEqual(
			out.docs,
		);
	});
});
