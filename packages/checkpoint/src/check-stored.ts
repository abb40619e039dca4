import { unreadable } from "./read-errors.ts";
import type { BlobPlace } from "./serializer.ts";

/**
 * How deep stored JSON may nest. Twice what serialize accepts (a value 1,000 levels deep), since Map
 * entries and registered types add levels to what is stored.
 */
export const MAX_READ_DEPTH = 2000;

/**
 * Checks parsed stored JSON: no deeper than MAX_READ_DEPTH, no key named `__proto__` (Weft never
 * writes one, and code that copies the value with `Object.assign` would change a prototype with it).
 */
export function checkParsed(
	value: unknown,
	place: BlobPlace | undefined,
	depth = 0,
): void {
	if (typeof value !== "object" || value === null) return;
	if (depth >= MAX_READ_DEPTH)
		throw unreadable(place, `it nests deeper than ${MAX_READ_DEPTH} levels`);
	if (Array.isArray(value)) {
		for (const item of value) checkParsed(item, place, depth + 1);
		return;
	}
	for (const key in value) {
		if (key === "__proto__") throw protoKey(place);
		checkParsed((value as Record<string, unknown>)[key], place, depth + 1);
	}
}

/**
 * Whether parsed `text` may need `checkParsed`: a key `__proto__` is spelled so or with a `\u` escape,
 * and JSON cannot nest deeper than its count of `[` and `{`. Most checkpoints skip the walk.
 */
export function needsCheck(text: string): boolean {
	if (text.includes("__proto__") || text.includes("\\u")) return true;
	return text.length > MAX_READ_DEPTH && opensMoreThan(text, MAX_READ_DEPTH);
}

/** Whether `text` holds more than `limit` opening brackets (also inside strings: an upper bound). */
function opensMoreThan(text: string, limit: number): boolean {
	let count = 0;
	for (const bracket of ["[", "{"]) {
		for (
			let i = text.indexOf(bracket);
			i !== -1;
			i = text.indexOf(bracket, i + 1)
		)
			if (++count > limit) return true;
	}
	return false;
}

export function protoKey(place: BlobPlace | undefined) {
	return unreadable(
		place,
		"it holds a key named __proto__, which Weft never writes",
	);
}
