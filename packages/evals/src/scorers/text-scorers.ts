import { isDeepStrictEqual } from "node:util";
import { ConfigError } from "@weft/checkpoint";
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

/** The output's text contains the expected text, or every one of a list (case-insensitive by default). */
export function contains(
	want: { value?: string | string[]; ignoreCase?: boolean } = {},
): Scorer {
	return {
		name: "contains",
		score(run, c) {
			const none = noExpected(want, c.expected);
			if (none !== undefined) return none;
			const raw = wanted(want, c.expected);
			const needles = (Array.isArray(raw) ? raw : [raw]).map(textOf);
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

/** The output's text matches a regular expression. */
export function regex(pattern: RegExp | string): Scorer {
	const re = typeof pattern === "string" ? compiled(pattern) : pattern;
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
		throw new ConfigError(
			"CONFIG_INVALID",
			`regex scorer: /${pattern}/ is not a regular expression (${(error as Error).message})`,
			{
				hint: "fix the pattern (escape ( ) [ ] with a backslash to match them as text)",
			},
		);
	}
}
