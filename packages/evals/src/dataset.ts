import { readFile } from "node:fs/promises";
import { keysOf, unknownKey, WeftError } from "@weft/checkpoint";
import { z } from "zod";

/** One labelled case: what goes in, what should come out, and the answers to its human checkpoints. */
export interface EvalCase {
	/** Unique in its dataset; the case's thread is `<run id>:<case id>`. */
	id: string;
	/** The graph's input. */
	input: unknown;
	/** What scorers compare against (a string, an object, anything JSON). */
	expected?: unknown;
	/** Answers to the case's human checkpoints (interrupts), in the order they are asked. */
	answers?: unknown[] | undefined;
	tags?: string[] | undefined;
}

const caseSchema = z.object({
	id: z
		.union([z.string().min(1, "its id is empty"), z.number()], {
			error: (issue) =>
				issue.input === undefined
					? "the case has no id"
					: `its id is ${JSON.stringify(issue.input)}, not a non-empty string or a number`,
		})
		.transform(String),
	input: z.unknown().refine((v) => v !== undefined, "input is required"),
	expected: z.unknown().optional(),
	answers: z.array(z.unknown()).optional(),
	tags: z.array(z.string()).optional(),
});

const CASE_KEYS = keysOf<EvalCase>({
	id: true,
	input: true,
	expected: true,
	answers: true,
	tags: true,
});

/**
 * A key of a case a letter or two from one of its fields (`expcted`), with the hint naming the field: read
 * without it, the case would fail or stop at its approval with no word on the line. Other keys (notes of
 * the dataset's own) are ignored, as before.
 */
function misspeltKey(
	value: unknown,
): { key: string; hint: string } | undefined {
	if (typeof value !== "object" || value === null) return undefined;
	for (const key of Object.keys(value)) {
		if (CASE_KEYS.has(key)) continue;
		const stray = unknownKey({ [key]: true }, CASE_KEYS);
		if (stray?.hint.startsWith("did you mean")) return stray;
	}
	return undefined;
}

function invalid(source: string, detail: string): WeftError {
	return new WeftError("DATASET_INVALID", `${source}: ${detail}`, {
		hint: 'each line is a JSON object: { "id": "c1", "input": {…}, "expected"?: …, "answers"?: […] }',
	});
}

/**
 * Checks cases (ids unique, input present), whatever their source. `lines`: each case's line in the
 * source file, to name it by (else its position).
 */
export function parseCases(
	values: readonly unknown[],
	source = "dataset",
	lines?: readonly number[],
): EvalCase[] {
	if (!Array.isArray(values))
		throw invalid(
			source,
			`must be an array of cases, got ${values === null ? "null" : typeof values}`,
		);
	// No case is a mistake (a wrong file, a filter that kept nothing): a pass rate over nothing means nothing.
	if (values.length === 0) throw invalid(source, "has no cases");
	const seen = new Set<string>();
	return values.map((value, i) => {
		const where =
			lines === undefined
				? `${source}, case ${i + 1}`
				: `${source}:${lines[i]}`;
		const stray = misspeltKey(value);
		if (stray !== undefined)
			throw new WeftError(
				"DATASET_INVALID",
				`${where}: a case has no field ${JSON.stringify(stray.key)}`,
				{ hint: stray.hint.replace("The options are", "A case's fields are") },
			);
		const parsed = caseSchema.safeParse(value);
		if (!parsed.success) {
			const issue = parsed.error.issues[0]!;
			if (issue.path[0] === "id")
				throw new WeftError("DATASET_INVALID", `${where}: ${issue.message}`, {
					hint: 'give each case a unique id, a non-empty string or a number: { "id": "c1", "input": {…} } (it names the case in results and its thread)',
				});
			const at = issue.path.length === 0 ? "" : ` at "${issue.path.join(".")}"`;
			throw invalid(where, `${issue.message}${at}`);
		}
		const c = parsed.data as EvalCase;
		if (seen.has(c.id)) throw invalid(where, `the id "${c.id}" is used twice`);
		seen.add(c.id);
		return c;
	});
}

/** Parses JSON Lines (blank lines and `//` comment lines are skipped). */
export function parseJsonl(text: string, source = "dataset"): EvalCase[] {
	if (typeof text !== "string")
		throw invalid(
			source,
			`parseJsonl reads the text of a JSON Lines file, got ${text === null ? "null" : Array.isArray(text) ? "an array" : typeof text} (pass an array of cases to evaluate as it is, or a file to loadDataset)`,
		);
	const values: unknown[] = [];
	const lines: number[] = [];
	text.split("\n").forEach((line, i) => {
		const trimmed = line.trim();
		if (trimmed === "" || trimmed.startsWith("//")) return;
		try {
			values.push(JSON.parse(trimmed));
			lines.push(i + 1);
		} catch (error) {
			throw invalid(
				`${source}:${i + 1}`,
				`not JSON (${error instanceof Error ? error.message : String(error)})`,
			);
		}
	});
	return parseCases(values, source, lines);
}

/** Reads a `.jsonl` dataset file. */
export async function loadDataset(path: string): Promise<EvalCase[]> {
	const text = await readFile(path, "utf8").catch((error: unknown) => {
		throw invalid(path, `cannot read it (${(error as Error).message})`);
	});
	return parseJsonl(text, path);
}
