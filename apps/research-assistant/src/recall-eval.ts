import type { Store } from "@weft/checkpoint";
import { splitPassages } from "@weft/graph/llm";
import { loadCorpus } from "./corpus.ts";

/**
 * A small labelled set for memory search: questions about the bundled corpus (paraphrased, not quoted),
 * each with the document that answers it. An answer counts when a passage of that document is in the top 5.
 */
export const LABELLED_QUESTIONS: ReadonlyArray<{
	question: string;
	source: string;
}> = [
	{
		question:
			"How should the country provide for a well-disciplined militia and its common defence?",
		source: "1790-george-washington",
	},
	{
		question: "What did the president say about uniform weights and measures?",
		source: "1790-george-washington",
	},
	{
		question:
			"Should European powers be allowed to colonize the American continents?",
		source: "1823-james-monroe",
	},
	{
		question: "What was said about the Greek struggle for independence?",
		source: "1823-james-monroe",
	},
	{
		question: "What plan was proposed for compensated emancipation of slaves?",
		source: "1862-abraham-lincoln",
	},
	{
		question: "What happened with General Huerta and the situation in Mexico?",
		source: "1913-woodrow-wilson",
	},
	{
		question:
			"How did the government handle relief and recovery for the unemployed in the depression?",
		source: "1934-franklin-d-roosevelt",
	},
	{
		question:
			"Which four essential human freedoms should the world be founded on?",
		source: "1941-franklin-d-roosevelt",
	},
	{
		question:
			"How should industrial strikes and disputes between labor and management be handled?",
		source: "1947-harry-s-truman",
	},
	{
		question: "How should atomic energy be controlled?",
		source: "1947-harry-s-truman",
	},
	{
		question: "What was the crisis in Laos and the Congo?",
		source: "1961-john-f-kennedy",
	},
	{
		question:
			"What did the president propose about an unconditional war on poverty?",
		source: "1964-lyndon-b-johnson",
	},
	{
		question: "Is the era of big government over?",
		source: "1996-william-j-clinton",
	},
	{
		question:
			"What was the plan for economic recovery and rescuing the banks in the recession?",
		source: "2009-barack-obama",
	},
];

/** Puts every passage of the bundled corpus into the store under `namespace` (key: `document#n`). */
export async function loadPassages(
	store: Store,
	namespace: string[],
): Promise<number> {
	let n = 0;
	for (const doc of loadCorpus()) {
		for (const p of splitPassages(doc.source, doc.text, 900)) {
			await store.put(namespace, `${p.source}#${p.passage + 1}`, {
				text: p.text,
				source: p.source,
			});
			n++;
		}
	}
	return n;
}

/** recall@k over the labelled set: the share of questions with a passage of the right document in the top k. */
export async function recallAtK(
	store: Store,
	namespace: string[],
	k = 5,
): Promise<number> {
	let found = 0;
	for (const { question, source } of LABELLED_QUESTIONS) {
		const hits = await store.search(namespace, { query: question, limit: k });
		if (hits.some((h) => (h.value as { source: string }).source === source))
			found++;
	}
	return found / LABELLED_QUESTIONS.length;
}
