// What a judge model's reply says: a score on the judge's scale (0–1 unless given; or a fraction or
// percentage, which name their own scale), PASS or FAIL, reported on 0–1. A score off the scale is an
// error, never clamped (decisions 0095, 0104).
import { WeftError } from "@weft/checkpoint";
import { badArgument, shown } from "./arguments.ts";
import type { ScoreResult } from "./scorer.ts";

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)`;
/** After a score: not more of a number (`0,8`, `1e-1`, whose start alone is another score). */
const ENDED = String.raw`(?!\d|\.\d|,\d|[eE][-+]?\d)`;
/** A score as written: `0.8`, `7/10`, `4 out of 5`, `80%`. */
const SCORE = new RegExp(
	String.raw`^(${NUMBER})\s*(?:(?:\/|out\s+of)\s*(${NUMBER})|(%))?${ENDED}`,
	"i",
);
/** A score after its label in prose: `Score: 4/5`, `**Rating:** 90%`, `score = 0.3`. */
const LABELLED = new RegExp(
	String.raw`\b(?:score|rating|grade)\b[\s*_:=]*(?:is\s+|of\s+)?(${NUMBER}\s*(?:(?:\/|out\s+of)\s*${NUMBER}|%)?)${ENDED}`,
	"i",
);

/** A judge's scale: its lowest and highest score, `[min, max]` (min < max). */
export type JudgeScale = readonly [min: number, max: number];

/**
 * Reads the judge's reply: `{"score", "reason"}` (fenced or inline; the score a number or a number as
 * text), else a labelled score in prose (`Score: 0.8`), else a reply that is only a score (`7/10`), else
 * a leading PASS / FAIL. A plain number is on `scale` (default `[0, 1]`), and so is a fraction of its
 * maximum (`4/5` on `[1, 5]` is 4); another fraction (`7/10`, `4 out of 5`) or a percentage (`80%`) is
 * read on its own scale. The score returned is on 0–1 (`(n - min) / (max - min)`); it passes at `passAt`,
 * on the judge's scale (default: the middle of it, 0.5 on 0–1). Returns undefined when the reply holds
 * no verdict.
 * @throws WeftError VALIDATION_FAILED when the score is off its scale (7, -0.5, 7/5, 120% on 0–1).
 */
export function parseVerdict(
	reply: string,
	passAt?: number,
	scale: JudgeScale = [0, 1],
): ScoreResult | undefined {
	checkScale("parseVerdict", scale);
	const [min, max] = scale;
	if (typeof reply !== "string")
		badArgument(
			`parseVerdict: the reply must be text, got ${shown(reply)}`,
			"pass the judge's reply as a string (the message's text)",
		);
	if (
		passAt !== undefined &&
		(typeof passAt !== "number" || !(passAt >= min && passAt <= max))
	)
		badArgument(
			`parseVerdict: passAt must be a number in [${min}, ${max}] (the judge's scale), got ${shown(passAt)}`,
			"pass the lowest passing score on the judge's scale, or leave it out for its middle",
		);
	const passing = passAt === undefined ? 0.5 : (passAt - min) / (max - min);
	const json = jsonVerdict(reply);
	const said = json?.score ?? reply.match(LABELLED)?.[1] ?? bare(reply);
	if (said !== undefined) {
		const score = onScale(said, scale);
		if (score !== undefined) {
			const reason =
				json?.reason ?? (json === undefined ? reply.trim() : undefined);
			return reason === undefined
				? { score, pass: score >= passing }
				: { score, pass: score >= passing, reason };
		}
	}
	if (/^\s*PASS\b/i.test(reply))
		return { score: 1, pass: true, reason: reply.trim() };
	if (/^\s*FAIL\b/i.test(reply))
		return { score: 0, pass: false, reason: reply.trim() };
	return undefined;
}

/** A scale that is not two finite numbers `[min, max]` with min < max is CONFIG_INVALID. */
export function checkScale(who: string, scale: unknown): void {
	if (
		scale !== undefined &&
		!(
			Array.isArray(scale) &&
			scale.length === 2 &&
			Number.isFinite(scale[0]) &&
			Number.isFinite(scale[1]) &&
			scale[0] < scale[1]
		)
	)
		badArgument(
			`${who}: scale must be [min, max], two finite numbers with min < max, got ${shown(scale)}`,
			"pass the lowest and highest score the rubric gives, e.g. scale: [1, 5]",
		);
}

/** The `score` (as text) and `reason` of a JSON object in the reply, if it holds one with a score. */
function jsonVerdict(
	reply: string,
): { score: string; reason: string | undefined } | undefined {
	const json = reply.match(/\{[\s\S]*\}/)?.[0];
	if (json === undefined) return undefined;
	let v: { score?: unknown; reason?: unknown };
	try {
		v = JSON.parse(json) as typeof v;
	} catch {
		return undefined; // not JSON after all: the words are read instead
	}
	if (typeof v?.score !== "number" && typeof v?.score !== "string")
		return undefined;
	return {
		score: String(v.score).trim(),
		reason: typeof v.reason === "string" ? v.reason : undefined,
	};
}

/** The reply when it is a score and nothing else (`0.6`, `7/10`). */
function bare(reply: string): string | undefined {
	const text = reply.trim();
	const m = text.match(SCORE);
	return m !== null && m[0].length === text.length ? text : undefined;
}

/**
 * A score as written, on 0–1; undefined if it is no score; VALIDATION_FAILED if off its scale. A plain
 * number (or a fraction of the scale's maximum) is on `scale`; another fraction or a percentage on its own.
 */
function onScale(said: string, [min, max]: JudgeScale): number | undefined {
	const m = said.match(SCORE);
	if (m === null) return undefined;
	const n = Number(m[1]);
	const of = m[2] === undefined ? undefined : Number(m[2]);
	const score =
		m[3] === "%"
			? n / 100
			: of === undefined || of === max
				? (n - min) / (max - min)
				: n / of;
	if (score >= 0 && score <= 1) return score;
	throw new WeftError(
		"VALIDATION_FAILED",
		`the judge's score ${m[0].trim()} is outside its scale [${min}, ${max}]`,
		{
			hint:
				min === 0 && max === 1
					? "ask the judge for a score from 0 to 1 (its system prompt does; a rubric that names another scale makes it answer on that one), or give llmJudge that scale, e.g. scale: [1, 5]"
					: `ask the judge for a score from ${min} to ${max} (its system prompt does; a rubric that names another scale makes it answer on that one), or change llmJudge's scale to the rubric's`,
		},
	);
}
