// @weft/evals: evaluations of graphs on datasets, and feedback on runs.

export {
	CASE_ROW,
	type Change,
	type CompareRow,
	type Comparison,
	compareResults,
	compareRuns,
} from "./compare.ts";
export {
	type EvalCase,
	loadDataset,
	parseCases,
	parseJsonl,
} from "./dataset.ts";
export { type EvalReport, type EvaluateOptions, evaluate } from "./evaluate.ts";
export {
	aggregateFeedback,
	type FeedbackAggregate,
	type FeedbackGrouping,
	type FeedbackInput,
	listFeedback,
	recordFeedback,
} from "./feedback.ts";
export type { HeldLease } from "./run-case.ts";
export { defaultOutput, toolCallsOf } from "./run-output.ts";
export { costBudget, latencyBudget, scorer } from "./scorers/budgets.ts";
export { jsonSchema } from "./scorers/json-schema.ts";
export { type JudgeScale, parseVerdict } from "./scorers/judge-verdict.ts";
export {
	type JudgeModel,
	type LlmJudgeOptions,
	llmJudge,
} from "./scorers/llm-judge.ts";
export type {
	CaseRun,
	ScoredCase,
	ScoreResult,
	Scorer,
} from "./scorers/scorer.ts";
export { contains, exact, regex } from "./scorers/text-scorers.ts";
export { toolCalled } from "./scorers/tool-called.ts";
export {
	type CaseResult,
	type EvalRunRecord,
	type EvalStore,
	type EvalSummary,
	type Feedback,
	type FeedbackFilter,
	MemoryEvalStore,
} from "./store/eval-store.ts";
export { summarize } from "./summarize.ts";
