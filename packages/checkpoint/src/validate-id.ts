import { WeftError } from "./errors.ts";

/** The longest id a store accepts (in UTF-16 code units). */
export const MAX_ID_LENGTH = 512;

/**
 * Checks an id (thread, checkpoint, interrupt…) the same way everywhere: a non-empty string of at most
 * `MAX_ID_LENGTH` characters, without NUL, well-formed UTF-16 (no lone surrogate, which would collide with
 * other ids once encoded). Returns it; throws `INVALID_ID` naming what is wrong.
 */
export function validateId(kind: string, value: unknown): string {
	const problem =
		typeof value !== "string"
			? `is ${value === null ? "null" : typeof value}, not a string`
			: value.length === 0
				? "is empty"
				: value.length > MAX_ID_LENGTH
					? `is ${value.length} characters long (at most ${MAX_ID_LENGTH})`
					: value.includes("\u0000")
						? "holds a NUL character"
						: !isWellFormed(value)
							? "holds a lone surrogate (malformed UTF-16)"
							: undefined;
	if (problem === undefined) return value as string;
	throw new WeftError(
		"INVALID_ID",
		`the ${kind} id ${problem}`,
		{
			hint: `use a non-empty, well-formed string of at most ${MAX_ID_LENGTH} characters without NUL`,
		},
	);
}

const LONE_SURROGATE =
	/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(s: string): boolean {
	return !LONE_SURROGATE.test(s);
}
