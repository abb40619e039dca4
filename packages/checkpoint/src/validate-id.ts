import { WeftError } from "./errors.ts";

/** The longest id a store accepts (thread, checkpoint, namespace, lease owner), in UTF-16 units. */
export const MAX_ID_LENGTH = 512;

/** What an id names, for messages. A namespace may be "" (the root graph); nothing else may. */
export type IdKind =
	| "thread id"
	| "checkpoint id"
	| "parent id"
	| "namespace"
	| "lease owner"
	| "interrupt id";

// With the `u` flag a paired surrogate is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Checks an id the same way at every store entry point: a string, non-empty (a namespace may be ""),
 * at most `MAX_ID_LENGTH` units, no NUL, well-formed UTF-16. A lone surrogate is refused because stores
 * that encode ids as UTF-8 turn every lone surrogate into U+FFFD, so `"a\uD800"` and `"a\uDBFF"` would
 * name the same thread. Throws `INVALID_ID`.
 */
export function validateId(value: unknown, kind: IdKind = "thread id"): string {
	const problem = idProblem(value, kind);
	if (problem === undefined) return value as string;
	throw new WeftError(
		"INVALID_ID",
		`invalid ${kind}${describe(value)}: ${problem}`,
		{
			hint: `use a non-empty, well-formed string of at most ${MAX_ID_LENGTH} characters without NUL`,
		},
	);
}

/** Whether `validateId` accepts `value` (without throwing). */
export function isValidId(value: unknown, kind: IdKind = "thread id"): boolean {
	return idProblem(value, kind) === undefined;
}

function idProblem(value: unknown, kind: IdKind): string | undefined {
	if (typeof value !== "string")
		return `expected a string, got ${typeOf(value)}`;
	if (value === "" && kind !== "namespace") return "it is empty";
	if (value.length > MAX_ID_LENGTH)
		return `it is ${value.length} characters long (at most ${MAX_ID_LENGTH})`;
	if (value.includes("\0")) return "it holds a NUL character";
	// isWellFormed (a native scan) is much cheaper than the regex: the regex only runs to confirm
	if (!isWellFormed(value) && LONE_SURROGATE.test(value))
		return "it holds a lone surrogate (malformed UTF-16)";
	return undefined;
}

/** Whether a string is well-formed UTF-16 (no lone surrogate). `String.prototype.isWellFormed` is in
 * Node ≥ 20 (ES2024; the repository's lib is ES2023). */
export const isWellFormed = (s: string): boolean =>
	(s as unknown as { isWellFormed(): boolean }).isWellFormed();

function typeOf(value: unknown): string {
	if (value === null) return "null";
	if (Array.isArray(value)) return "an array";
	return typeof value;
}

/** The id as shown after its kind (" \"abc\""), nothing for one that is no string. */
function describe(value: unknown): string {
	if (typeof value !== "string") return "";
	const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
	return ` ${JSON.stringify(shown)}`;
}
