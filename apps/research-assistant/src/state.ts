import { reducer } from "@weft/graph";
import { z } from "zod";

/** A passage found in the corpus: document, passage number, text. */
export const Passage = z.object({ source: z.string(), text: z.string() });
export type Passage = z.infer<typeof Passage>;

/** What the research on one sub-question produced. */
export const Finding = z.object({
	subQuestion: z.string(),
	round: z.number(),
	passages: z.array(Passage),
	summary: z.string(),
});
export type Finding = z.infer<typeof Finding>;

/** Findings merge by sub-question: a later round's finding replaces the earlier one. */
const mergeFindings = (current: Finding[], update: Finding[]): Finding[] => {
	const out = [...current];
	for (const f of update) {
		const i = out.findIndex((x) => x.subQuestion === f.subQuestion);
		if (i === -1) out.push(f);
		else out[i] = f;
	}
	return out;
};

/** An earlier report recalled from long-term memory (cited as `[report:key]`). */
export const PastReport = z.object({
	key: z.string(),
	question: z.string(),
	excerpt: z.string(),
	date: z.string(),
});
export type PastReport = z.infer<typeof PastReport>;

/** The research assistant's state. */
export const ResearchState = z.object({
	question: z.string().min(3),
	/** Directory of .txt/.md documents to search ("" for the bundled corpus). */
	docs: z.string().default(""),
	/** Where the approved report is written. */
	outDir: z.string().default("reports"),
	subQuestions: z.array(z.string()).default([]),
	findings: reducer(z.array(Finding), mergeFindings, () => []),
	gaps: z.array(z.string()).default([]),
	notes: z.string().default(""),
	round: z.number().default(0),
	maxRounds: z.number().int().min(0).max(5).default(2),
	feedback: z.string().default(""),
	report: z.string().default(""),
	reportPath: z.string().default(""),
	/** Earlier reports on related questions, recalled from the store when the run has one. */
	pastReports: z.array(PastReport).default([]),
});
export type ResearchState = z.output<typeof ResearchState>;

/** The state of one sub-question's research (a subgraph, reached by `Send`). */
export const SubQuestionState = z.object({
	subQuestion: z.string(),
	docs: z.string().default(""),
	round: z.number().default(0),
	passages: z.array(Passage).default([]),
	findings: reducer(z.array(Finding), mergeFindings, () => []),
});
