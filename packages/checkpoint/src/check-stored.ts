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
 * Whether parsed `text` may need `checkParsed`: JSON shorter than the depth limit cannot nest that
 * deep, and a key `__proto__` is spelled so or with a `\u` escape. Most checkpoints skip the walk.
 */
export function needsCheck(text: string): boolean {
	return (
		text.length > MAX_READ_DEPTH ||
		text.includes("__proto__") ||
		text.includes("\\u")
	);
}

export function protoKey(place: BlobPlace | undefined) {
	return unreadable(
		place,
		"it holds a key named __proto__, which Weft never writes",
	);
}
