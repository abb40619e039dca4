import { MAX_WRITE_DEPTH } from "@weft/checkpoint";

/**
 * Freezes plain objects and arrays, deeply, stopping at values already frozen (so a step freezes only
 * what it wrote). Class instances (messages, dates, maps) are left as they are: their own code may
 * update them, and freezing them would not stop `Map.set` anyway.
 */
export function deepFreeze(value: unknown, depth = 0): void {
	if (typeof value !== "object" || value === null || Object.isFrozen(value))
		return;
	// deeper than any value a checkpoint may hold (SERIALIZATION_FAILED says so when it is written): left
	// as it is, where the recursion would run out of stack (a RangeError without a code)
	if (depth > MAX_WRITE_DEPTH) return;
	if (Array.isArray(value)) {
		Object.freeze(value);
		// an index loop: no iterator per state (a step freezes its whole message list: perf, issue 17)
		for (let i = 0; i < value.length; i++) deepFreeze(value[i], depth + 1);
		return;
	}
	const proto = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== null) return;
	Object.freeze(value);
	for (const key in value)
		deepFreeze((value as Record<string, unknown>)[key], depth + 1);
}

const MUTATION =
	/read[- ]only|not extensible|Cannot assign to|Cannot add property|Cannot delete property|Cannot redefine property|object is frozen/i;

/** True for the TypeError a strict-mode write to a frozen object throws. */
export function isMutationError(error: unknown): error is TypeError {
	return error instanceof TypeError && MUTATION.test(error.message);
}
