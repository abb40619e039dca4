// Evaluating a graph on a labelled dataset, with an approval answered from the case, and feedback.
// Offline: the graph looks answers up; ScriptedChatModel plays the judge (swap in any LangChain chat model).

import {
	aggregateFeedback,
	contains,
	type EvalCase,
	evaluate,
	exact,
	listFeedback,
	llmJudge,
	MemoryEvalStore,
	recordFeedback,
} from "@weft/evals";
import { human, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { ScriptedChatModel } from "@weft/graph/llm";
import { z } from "zod";

const facts: Record<string, string> = {
	"capital of France?": "Paris",
	"largest planet?": "Jupiter",
};
const review = human("review", {
	request: z.object({ answer: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});
const State = z.object({
	question: z.string(),
	answer: z.string().default(""),
});

export const graph = new StateGraph(State)
	.addNode("answer", (s) => ({ answer: facts[s.question] ?? "I don't know" }))
	.addNode("review", async (s, ctx) => {
		const { action } = await review.ask(ctx, { answer: s.answer });
		return action === "approve" ? {} : { answer: "withheld" };
	})
	.addEdge(START, "answer")
	.addEdge("answer", "review")
	.compile({ checkpointer: new MemoryCheckpointer() });

export async function main() {
	const judge = new ScriptedChatModel({
		replies: ['{"score": 1, "reason": "correct and brief"}'],
		repeatLast: true,
	});

	// #region evaluate
	const dataset: EvalCase[] = [
		{
			id: "france",
			input: { question: "capital of France?" },
			expected: "Paris",
			answers: [{ action: "approve" }], // answers the review checkpoint
		},
		{
			id: "planet",
			input: { question: "largest planet?" },
			expected: "Jupiter",
			answers: [{ action: "approve" }],
		},
	];
	const store = new MemoryEvalStore(); // or SqliteEvalStore / PostgresEvalStore, beside the threads
	const report = await evaluate(
		graph,
		dataset,
		[
			exact(),
			contains(),
			llmJudge({ model: judge, rubric: "Correct, in one word." }),
		],
		{ runId: "baseline", store, concurrency: 2 },
	);
	report.summary; // { cases: 2, passed: 2, passRate: 1, byScorer: { exact: …, contains: …, judge: … }, … }
	report.cases[0]?.threadId; // "baseline:france": open it with weft show / weft history
	// #endregion evaluate

	// #region feedback
	await recordFeedback(store, {
		threadId: "baseline:france",
		score: 1,
		label: "helpful",
		by: "ana",
	});
	await recordFeedback(store, {
		threadId: "baseline:planet",
		score: 0,
		label: "too terse",
		comment: "say why",
	});
	const byLabel = aggregateFeedback(await listFeedback(store), "label");
	// → [{ key: "helpful", count: 1, meanScore: 1, … }, { key: "too terse", count: 1, meanScore: 0, … }]
	// #endregion feedback

	return { report, byLabel };
}
