import { invalidOption } from "./store-errors.ts";

/**
 * The keys of an options type, written as an object so that the compiler checks the list against the
 * type both ways: `keysOf<RetryPolicy>({ maxAttempts: true, … })`.
 */
export const keysOf = <T>(keys: Record<keyof T, true>): ReadonlySet<string> =>
	new Set(Object.keys(keys));

/**
 * A key of an options object that Weft does not read, with what to do about it: a misspelled option
 * (`recursionLimt`, `checkpointr`) was ignored without a word and the run went on without it.
 * Undefined when every own key is known.
 */
export function unknownKey(
	given: object,
	known: ReadonlySet<string>,
): { key: string; hint: string } | undefined {
	for (const key of Object.keys(given)) {
		if (known.has(key)) continue;
		const near = nearest(key, known);
		const all = [...known].join(", ");
		return {
			key,
			hint:
				near === undefined
					? `the options are ${all}`
					: `did you mean ${near}? The options are ${all}`,
		};
	}
	return undefined;
}

/** Refuses (`CONFIG_INVALID`, naming the key meant) an own key of `given` that is not in `known`. */
export function refuseUnknownKeys(
	given: unknown,
	known: ReadonlySet<string>,
	what: string,
): void {
	if (typeof given !== "object" || given === null) return;
	const stray = unknownKey(given, known);
	if (stray !== undefined)
		throw invalidOption(
			`${what} has no option ${JSON.stringify(stray.key)}`,
			stray.hint,
		);
}

/** The known name `key` was most likely meant to be: the same but for case, or ≤ 2 edits away. */
function nearest(key: string, known: ReadonlySet<string>): string | undefined {
	const lower = key.toLowerCase();
	// a short key allows fewer edits: none under 3 letters, one up to 5, else two
	const most = Math.min(2, Math.floor(key.length / 3));
	let best: string | undefined;
	let bestDistance = most + 1;
	for (const name of known) {
		if (name.toLowerCase() === lower) return name;
		const d = distance(lower, name.toLowerCase());
		if (d < bestDistance) {
			best = name;
			bestDistance = d;
		}
	}
	return best;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`. */
function distance(a: string, b: string): number {
	const rows: number[][] = [];
	for (let i = 0; i <= a.length; i++) rows.push([i]);
	for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
	for (let i = 1; i <= a.length; i++)
		for (let j = 1; j <= b.length; j++) {
			const row = rows[i]!;
			const up = rows[i - 1]!;
			let d = Math.min(
				up[j]! + 1,
				row[j - 1]! + 1,
				up[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				d = Math.min(d, rows[i - 2]![j - 2]! + 1);
			row[j] = d;
		}
	return rows[a.length]![b.length]!;
}
