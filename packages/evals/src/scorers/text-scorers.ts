import { isDeepStrictEqual } from "node:util";
import { keysOf, refuseUnknownKeys, WeftError } from "@weft/checkpoint";
import { badArgument, isText, shown } from "./arguments.ts";
import { type Scorer, textOf, verdict } from "./scorer.ts";

/** What a text scorer compares with: a fixed value, or (default) the case's `expected`. */
type Want = { value?: unknown; ignoreCase?: boolean | undefined };

const wanted = (want: Want, expected: unknown) =>
	"value" in want ? want.value : expected;

/** A scorer that compares with the case's `expected` on a case that has none fails, saying so. */
const noExpected = (want: Want, expected: unknown) =>
	!("value" in want) && expected === undefined
		? {
				score: 0,
				pass: false,
				reason:
					"the case has no `expected` to compare with (give it one, or the scorer a value)",
			}
		: undefined;

const WANT_KEYS = keysOf<Want>({ value: true, ignoreCase: true });

/** A text scorer's options: an object (not the value itself) with a boolean ignoreCase. */
function checkWant(want: unknown, name: string): void {
	if (want === null || typeof want !== "object" || Array.isArray(want))
		badArgument(
			`${name}: options must be an object, got ${shown(want)}`,
			`pass the value in an object, e.g. ${name}({ value: "Paris" }), or nothing to use each case's expected`,
		);
	// a misspelt ignoreCase would compare case and all; a misspelt value, with each case's expected
	refuseUnknownKeys(want, WANT_KEYS, name);
	const ignoreCase: unknown = (want as Want).ignoreCase;
	if (ignoreCase !== undefined && typeof ignoreCase !== "boolean")
		badArgument(
			`${name}: ignoreCase must be true or false, got ${shown(ignoreCase)}`,
			`pass ${name}({ ignoreCase: true }), or leave it out`,
		);
}

const short = (v: unknown) => {
	const t = textOf(v);
	return t.length > 60 ? `${t.slice(0, 57)}…` : t;
};

/**
 * The output equals the expected value (deep equality; strings trimmed, optionally ignoring case).
 * @example exact()            // against each case's `expected`
 * @example exact({ value: "yes" })
 */
export function exact(want: Want = {}): Scorer {
	checkWant(want, "exact");
	return {
		name: "exact",
		score(run, c) {
			const none = noExpected(want, c.expected);
			if (none !== undefined) return none;
			const expected = wanted(want, c.expected);
			let out = run.output;
			let exp = expected;
			if (typeof out === "string" && typeof exp === "string") {
				out = out.trim();
				exp = exp.trim();
				if (want.ignoreCase) {
					out = (out as string).toLowerCase();
					exp = (exp as string).toLowerCase();
				}
			}
			const pass = isDeepStrictEqual(out, exp);
			return verdict(
				pass,
				pass
					? "equal"
					: `expected ${short(expected)}, got ${short(run.output)}`,
			);
		},
	};
}

/**
 * The output's text contains the expected text, or every one of a list (case-insensitive by default). An
 * empty or blank text, or an empty list, would be found in any output: as `value` it is CONFIG_INVALID,
 * as a case's `expected` it fails that score (VALIDATION_FAILED).
 */
export function contains(
	want: { value?: string | string[]; ignoreCase?: boolean } = {},
): Scorer {
	checkWant(want, "contains");
	if ("value" in want) {
		const v: unknown = want.value;
		if (Array.isArray(v) ? v.length === 0 || !v.every(isText) : !isText(v))
			badArgument(
				`contains: value must be a non-blank text or a non-empty list of them, got ${shown(v)} (found in any output)`,
				'pass the text(s) the output must hold, e.g. contains({ value: "Paris" }), or no value to use each case\'s expected',
			);
	}
	return {
		name: "contains",
		score(run, c) {
			const none = noExpected(want, c.expected);
			if (none !== undefined) return none;
			const raw = wanted(want, c.expected);
			const needles = (Array.isArray(raw) ? raw : [raw]).map(textOf);
			if (needles.length === 0 || !needles.every(isText))
				throw new WeftError(
					"VALIDATION_FAILED",
					`contains: case "${c.id}" expects ${shown(raw)}, which any output holds`,
					{
						hint: "give the case a non-blank expected text (or list of them), or the scorer a value",
					},
				);
			const fold = want.ignoreCase ?? true;
			const hay = fold ? textOf(run.output).toLowerCase() : textOf(run.output);
			const missing = needles.filter(
				(n) => !hay.includes(fold ? n.toLowerCase() : n),
			);
			const found = needles.length - missing.length;
			return {
				score: needles.length === 0 ? 1 : found / needles.length,
				pass: missing.length === 0,
				reason:
					missing.length === 0
						? "all found"
						: `missing: ${missing.map((m) => JSON.stringify(m)).join(", ")}`,
			};
		},
	};
}

/** Matched, with the empty text, by a pattern that matches any text (an empty match at its start). */
const PROBE = "\u0000weft: no text holds this\u0000\n";

/**
 * The output's text matches a regular expression. A pattern that matches every text (empty, `.*`, `a*`)
 * is CONFIG_INVALID; one that matches only the empty text (`^$`) is fine.
 */
export function regex(pattern: RegExp | string): Scorer {
	if (typeof pattern !== "string" && !(pattern instanceof RegExp))
		badArgument(
			`regex: the pattern must be a RegExp or a string, got ${shown(pattern)}`,
			"pass the pattern the output must match, e.g. regex(/\\bParis\\b/i)",
		);
	const re = typeof pattern === "string" ? compiled(pattern) : pattern;
	if (matchesAnything(re))
		badArgument(
			`regex: ${re} matches every text (an empty match), so every case would pass`,
			"match something the output must hold (a+ rather than a*), or anchor it (^$ for an empty output)",
		);
	return {
		name: `regex`,
		score(run) {
			const pass = re.test(textOf(run.output));
			re.lastIndex = 0;
			return verdict(pass, pass ? `matches ${re}` : `does not match ${re}`);
		},
	};
}

/** A pattern given as text, compiled; one that is no regular expression is CONFIG_INVALID. */
function compiled(pattern: string): RegExp {
	try {
		return new RegExp(pattern);
	} catch (error) {
		return badArgument(
			`regex scorer: /${pattern}/ is not a regular expression (${(error as Error).message})`,
			"fix the pattern (escape ( ) [ ] with a backslash to match them as text)",
		);
	}
}

/** The pattern matches both the empty text and an unlikely one: an empty match, found in any text. */
function matchesAnything(re: RegExp): boolean {
	const test = (text: string) => {
		re.lastIndex = 0;
		const hit = re.test(text);
		re.lastIndex = 0;
		return hit;
	};
	return test("") && test(PROBE);
}
