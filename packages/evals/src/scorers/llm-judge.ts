import {
	isWeftError,
	keysOf,
	refuseUnknownKeys,
	WeftError,
} from "@weft/checkpoint";
import { badArgument, isText, shown } from "./arguments.ts";
import { checkScale, type JudgeScale, parseVerdict } from "./judge-verdict.ts";
import { type Scorer, textOf } from "./scorer.ts";

/** Any LangChain chat model (or anything with the same `invoke`). */
export interface JudgeModel {
	invoke(
		input: [string, string][],
		options?: { signal?: AbortSignal },
	): Promise<{ content: unknown }>;
}

/** Options of `llmJudge`. */
export interface LlmJudgeOptions {
	model: JudgeModel;
	/** What a good answer is, in plain words; the judge grades against it. */
	rubric: string;
	/** Default "judge". */
	name?: string | undefined;
	/**
	 * The judge's scale, `[min, max]`: it is asked for a score from min to max (a rubric anchored on 1–5,
	 * say). Scores are reported on 0–1 (`(score - min) / (max - min)`). Default `[0, 1]`.
	 */
	scale?: JudgeScale | undefined;
	/** Passing score, on the judge's scale. Default: the middle of it (0.5 on 0–1, 3 on 1–5). */
	passAt?: number | undefined;
}

/** The system prompt: asks for JSON with a score on the judge's scale. */
const system = ([min, max]: JudgeScale) =>
	"You grade the answer of an AI system against a rubric. Reply with JSON only: " +
	`{"score": <a number from ${min} to ${max}>, "reason": "<one sentence>"}.`;

function prompt(
	rubric: string,
	input: unknown,
	expected: unknown,
	answer: unknown,
): string {
	const parts = [`Rubric:\n${rubric}`, `Input:\n${textOf(input)}`];
	if (expected !== undefined)
		parts.push(`Reference answer:\n${textOf(expected)}`);
	parts.push(`Answer to grade:\n${textOf(answer)}`);
	return parts.join("\n\n");
}

function contentText(content: unknown): string {
	if (typeof content === "string") return content;
	if (Array.isArray(content))
		return content
			.map((p) =>
				typeof p === "string" ? p : ((p as { text?: string }).text ?? ""),
			)
			.join("");
	return textOf(content);
}

/**
 * An LLM grades each answer against a rubric (and the case's `expected`, as a reference, when given).
 * Use any LangChain chat model; its reply must carry a score (`{"score": 0..1, "reason": "…"}`, or on
 * `scale`; see `parseVerdict`). A reply with no score, or a score off the scale, fails that score with
 * VALIDATION_FAILED.
 * @example llmJudge({ model: new ChatOpenAI({ model: "gpt-4o-mini" }), rubric: "Cites the source and answers the question." })
 * @example llmJudge({ model, rubric: "5: cites the source; 3: answers without one; 1: wrong.", scale: [1, 5], passAt: 4 })
 */
export function llmJudge(options: LlmJudgeOptions): Scorer {
	checkJudgeOptions(options);
	const scale = options.scale ?? [0, 1];
	const { passAt } = options;
	const name = options.name ?? "judge";
	const SYSTEM = system(scale);
	return {
		name,
		async score(run, c) {
			const reply = await options.model.invoke([
				["system", SYSTEM],
				["human", prompt(options.rubric, c.input, c.expected, run.output)],
			]);
			const text = contentText(reply.content);
			try {
				const verdict = parseVerdict(text, passAt, scale);
				if (verdict !== undefined) return verdict;
			} catch (error) {
				if (!isWeftError(error)) throw error;
				throw new WeftError(
					error.code,
					`judge "${name}": ${error.message} (its reply: ${short(text)})`,
					{ hint: error.hint },
				);
			}
			// no measurement: a failed score, left out of the mean (decision 0095)
			throw new WeftError(
				"VALIDATION_FAILED",
				`judge "${name}": its reply holds no verdict: ${short(text)}`,
				{
					hint: `make the judge reply {"score": <${scale[0]}..${scale[1]}>, "reason": "…"}, a labelled score (Score: 0.8, 4/5, 80%), or PASS / FAIL`,
				},
			);
		},
	};
}

const JUDGE_KEYS = keysOf<LlmJudgeOptions>({
	model: true,
	rubric: true,
	name: true,
	scale: true,
	passAt: true,
});

/** A judge that cannot grade (no model, no rubric, a passing mark off the scale) is CONFIG_INVALID. */
function checkJudgeOptions(options: LlmJudgeOptions): void {
	// a misspelt passAt or scale would grade on the defaults, unsaid
	refuseUnknownKeys(options, JUDGE_KEYS, "llmJudge");
	if (typeof options?.model?.invoke !== "function")
		badArgument(
			`llmJudge: model must be a chat model (with invoke), got ${shown(options?.model)}`,
			'pass any LangChain chat model, e.g. llmJudge({ model: new ChatOpenAI({ model: "gpt-4o-mini" }), rubric })',
		);
	if (!isText(options.rubric))
		badArgument(
			`llmJudge: rubric must be a non-blank text, got ${shown(options.rubric)}`,
			"say in plain words what a good answer is; the judge grades against it",
		);
	const { scale, passAt } = options;
	checkScale("llmJudge", scale);
	const [min, max] = scale ?? [0, 1];
	if (
		passAt !== undefined &&
		(typeof passAt !== "number" || !(passAt >= min && passAt <= max))
	)
		badArgument(
			`llmJudge: passAt must be a number in [${min}, ${max}] (the judge's scale), got ${shown(passAt)}`,
			scale === undefined
				? "pass the lowest passing score on the 0–1 scale, e.g. passAt: 0.7 (7/10), or give the judge its scale (scale: [1, 5], passAt: 4)"
				: `pass the lowest passing score on the judge's scale, e.g. passAt: ${max}`,
		);
}

/** The reply as a message quotes it: the first 80 characters, on one line. */
const short = (text: string) => {
	const line = text.replace(/\s+/g, " ").trim();
	return line.length > 80 ? `${line.slice(0, 79)}…` : line;
};
