import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { tool } from "@langchain/core/tools";
import type { Checkpointer, Store } from "@weft/checkpoint";
import {
	Command,
	END,
	human,
	MemoryCheckpointer,
	Send,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";
import { askModel, type ChatModel, parseJsonReply } from "./ask-model.ts";
import { indexFor } from "./corpus.ts";
import {
	earlierReportsSection,
	recallReports,
	rememberReport,
} from "./report-memory.ts";
import type { ResearchState as ResearchValues } from "./state.ts";
import { type Finding, ResearchState, SubQuestionState } from "./state.ts";

/**
 * What the assistant is built from: one model that routes by task label (a @weft/models router: search and
 * summaries to a cheap model, planning, analysis and the report to a stronger one).
 */
export interface ResearchOptions {
	model: ChatModel;
	checkpointer?: Checkpointer;
	/** Long-term memory: past reports are recalled by later runs and cited (docs/memory.md). */
	store?: Store;
	/** Which models wrote the report (recorded in it). */
	label?: string;
}

/** The human checkpoint before a report is saved. */
export const reportReview = human("report-review", {
	request: z.object({
		question: z.string(),
		draft: z.string(),
		sources: z.number(),
	}),
	response: z.discriminatedUnion("action", [
		z.object({ action: z.literal("approve") }),
		z.object({ action: z.literal("reject"), reason: z.string().trim().min(1) }),
		z.object({ action: z.literal("edit"), draft: z.string().trim().min(1) }),
	]),
});

/** One sub-question's research: a search agent picks a query and calls the search tool; a summariser condenses. */
function researchGraph(o: ResearchOptions) {
	const searchIn = (docs: string) =>
		tool(
			async ({ query }: { query: string }) =>
				JSON.stringify(await indexFor(docs).search(query)),
			{
				name: "search",
				description:
					"Full-text search over the document corpus; returns passages with their source.",
				schema: z.object({
					query: z.string().describe("keywords to search for"),
				}),
			},
		);
	return new StateGraph(SubQuestionState)
		.addNode("search", async (s, ctx) => {
			const search = searchIn(s.docs);
			const reply = await askModel(
				ctx,
				o.model,
				"search",
				"Find passages that answer the sub-question: call the search tool.",
				{ subQuestion: s.subQuestion },
				{ tools: [search] },
			);
			const query = String(
				reply.toolCalls.find((c) => c.name === "search")?.args.query ??
					s.subQuestion,
			);
			const passages = await ctx.once(
				`search:${query}`,
				async () =>
					JSON.parse(
						String(await search.invoke({ query })),
					) as typeof s.passages,
			);
			return { passages };
		})
		.addNode("summarize", async (s, ctx) => {
			const reply = await askModel(
				ctx,
				o.model,
				"summarize",
				"Condense the passages into three sentences that answer the sub-question; cite each as [source].",
				{ subQuestion: s.subQuestion, passages: s.passages },
			);
			const finding: Finding = {
				subQuestion: s.subQuestion,
				round: s.round,
				passages: s.passages,
				summary: reply.text,
			};
			return { findings: [finding] };
		})
		.addEdge(START, "search")
		.addEdge("search", "summarize")
		.compile({ name: "research" });
}

/**
 * The multi-agent research assistant: plan → research each sub-question in parallel (Send) → analyse →
 * refine (research the gaps again, a bounded number of rounds) → write → human review → save.
 */
export function createResearchAssistant(o: ResearchOptions) {
	const toResearch = (s: ResearchValues, questions: string[], round: number) =>
		questions.map(
			(subQuestion) =>
				new Send("research", { subQuestion, round, docs: s.docs }),
		);
	return new StateGraph(ResearchState)
		.addNode("plan", async (s, ctx) => {
			const reply = await askModel(
				ctx,
				o.model,
				"plan",
				'Split the research question into at most three sub-questions. Answer as JSON: {"subQuestions": [...]}.',
				{ question: s.question, feedback: s.feedback },
				{ key: `plan:${s.feedback}` },
			);
			const { subQuestions } = parseJsonReply(reply.text, {
				subQuestions: [s.question],
			});
			const pastReports = await recallReports(ctx, s.question);
			return {
				subQuestions: subQuestions.slice(0, 3),
				round: 0,
				gaps: [],
				pastReports,
			};
		})
		.addNode("research", researchGraph(o))
		.addNode("analyze", async (s, ctx) => {
			const summaries = summariesOf(s.findings);
			const reply = await askModel(
				ctx,
				o.model,
				"analyze",
				'Compare the summaries; list the sub-questions that are not answered well. Answer as JSON: {"gaps": [...], "notes": "..."}.',
				{ question: s.question, summaries },
				{ key: `analyze:${s.round}` },
			);
			const { gaps, notes } = parseJsonReply(reply.text, {
				gaps: [] as string[],
				notes: "",
			});
			return { gaps, notes, round: s.round + 1 };
		})
		.addNode("write", async (s, ctx) => {
			const summaries = summariesOf(s.findings);
			const reply = await askModel(
				ctx,
				o.model,
				"report",
				"Write a short markdown report answering the question from the summaries; keep every [source] citation.",
				{
					question: s.question,
					summaries,
					notes: s.notes,
					feedback: s.feedback,
				},
				{ key: `report:${s.feedback}` },
			);
			const report = reply.text + earlierReportsSection(s.pastReports);
			await rememberReport(ctx, s.question, report);
			return { report };
		})
		.addNode(
			"review",
			async (s, ctx) => {
				const answer = await reportReview.ask(ctx, {
					question: s.question,
					draft: s.report,
					sources: countSources(s.findings),
				});
				if (answer.action === "approve") return new Command({ goto: "save" });
				if (answer.action === "edit")
					return new Command({
						update: { report: answer.draft },
						goto: "save",
					});
				return new Command({
					update: { feedback: answer.reason },
					goto: "plan",
				});
			},
			{ ends: ["save", "plan"] },
		)
		.addNode("save", async (s, ctx) => {
			const path = resolve(s.outDir, `report-${ctx.threadId ?? "run"}.md`);
			await ctx.once("save-report", () => {
				mkdirSync(s.outDir, { recursive: true });
				writeFileSync(path, renderReport(s.report, s.findings, o.label));
				return path;
			});
			return { reportPath: path };
		})
		.addEdge(START, "plan")
		.addConditionalEdges("plan", (s) => toResearch(s, s.subQuestions, 0), [
			"research",
		])
		.addEdge("research", "analyze")
		.addConditionalEdges(
			"analyze",
			(s) =>
				s.gaps.length > 0 && s.round < s.maxRounds
					? toResearch(s, s.gaps, s.round)
					: "write",
			["research", "write"],
		)
		.addEdge("write", "review")
		.addEdge("save", END)
		.compile({
			checkpointer: o.checkpointer ?? new MemoryCheckpointer(),
			store: o.store,
			name: "research-assistant",
		});
}

function summariesOf(
	findings: Finding[],
): Array<{ subQuestion: string; summary: string }> {
	return findings.map((f) => ({
		subQuestion: f.subQuestion,
		summary: f.summary,
	}));
}

function countSources(findings: Finding[]): number {
	return new Set(findings.flatMap((f) => f.passages.map((p) => p.source))).size;
}

/** The saved report: the text, then every passage cited, by document and passage. */
export function renderReport(
	report: string,
	findings: Finding[],
	label?: string,
): string {
	const cited = new Map(
		findings.flatMap((f) => f.passages).map((p) => [p.source, p.text]),
	);
	const used = [
		...new Set(
			report.match(/\[([^\]\s]+#\d+)\]/g)?.map((m) => m.slice(1, -1)) ?? [],
		),
	];
	const sources = used
		.filter((s) => cited.has(s))
		.map(
			(s) =>
				`- **[${s}]** ${cited.get(s)!.slice(0, 240).replace(/\s+/g, " ")}…`,
		);
	const by = label === undefined ? "" : `\n_Written by ${label}._\n`;
	return `${report.trim()}\n\n## Sources\n\n${sources.join("\n") || "_none cited_"}\n${by}`;
}
