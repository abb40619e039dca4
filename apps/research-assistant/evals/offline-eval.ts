// The research assistant's offline evaluation: the offline extractive models, the labelled dataset in
// cases.jsonl and scorers for what a report must hold. Run it with `evaluate` (the tests do) or with
// `weft eval apps/research-assistant/evals/offline-eval.ts --dataset apps/research-assistant/evals/cases.jsonl`.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { type CaseRun, type Scorer, scorer } from "@weft/evals";
import { createResearchAssistant } from "../src/graph.ts";
import { modelsFromEnv } from "../src/models.ts";
import type { Finding } from "../src/state.ts";

/** The dataset beside this file. */
export const datasetPath = fileURLToPath(
	new URL("cases.jsonl", import.meta.url),
);

interface Expected {
	words: string[];
	source: string;
}

const expectedOf = (c: { expected?: unknown }) => c.expected as Expected;
const findingsOf = (run: CaseRun) =>
	((run.values as { findings?: Finding[] }).findings ?? []) as Finding[];

/** What a good report does: holds the expected words, cites the expected speech, and is not empty. */
export const scorers: Scorer[] = [
	scorer("mentions", (run, c) => {
		const text = String(run.output).toLowerCase();
		const words = expectedOf(c).words;
		const found = words.filter((w) => text.includes(w.toLowerCase()));
		return {
			score: found.length / words.length,
			pass: found.length === words.length,
			reason: `${found.length}/${words.length} words`,
		};
	}),
	scorer("cites", (run, c) => {
		const sources = findingsOf(run).flatMap((f) =>
			f.passages.map((p) => p.source),
		);
		const pass = sources.some((s) => s.includes(expectedOf(c).source));
		return {
			score: pass ? 1 : 0,
			pass,
			reason: pass
				? "cited"
				: `cited only ${[...new Set(sources)].join(", ") || "nothing"}`,
		};
	}),
	scorer("has-report", (run) => String(run.output).trim().length > 200),
];

/** The report is what the scorers read. */
export const evalOutput = (values: { report?: string }) => values.report ?? "";

/** Approved reports go to a temporary directory, not into the repository. */
export const evalInput = (input: Record<string, unknown>) => ({
	...input,
	outDir: join(tmpdir(), "weft-research-evals"),
});

const models = await modelsFromEnv({}, {});

/** The assistant on the offline models (no key, no network). */
export const graph = createResearchAssistant({
	model: models.model,
	label: models.label,
	checkpointer: new MemoryCheckpointer(),
});
