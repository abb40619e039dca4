import type { CheckpointMetadata } from "./record.ts";

/** Deeper than this, `frozenJsonCopy` leaves the value to `JSON.stringify` (which also finds cycles). */
const MAX_DEPTH = 32;

/**
 * A deep, frozen copy of metadata made only of plain JSON (plain objects and arrays, finite numbers,
 * strings without NUL, booleans, null), exactly what `JSON.parse(JSON.stringify(value))` would give;
 * undefined for anything else (a Date, `toJSON`, `undefined`, NaN, a cycle, `__proto__` …), which the
 * caller checks the slow way (`metadataJson`). perf (issue 17): stringifying a step's metadata and
 * parsing it back on read was ≈ 15 % of a W1b step; this walk is a fraction of that.
 */
export function frozenJsonCopy(
	metadata: unknown,
): CheckpointMetadata | undefined {
	return copyMetadata(metadata, true);
}

/**
 * `frozenJsonCopy` without the freezing, for a copy nobody else sees until it is frozen (a memory row's
 * metadata is frozen when its summary is first made: perf, issue 17, freezing was most of the copy's cost).
 */
export function plainJsonCopy(
	metadata: unknown,
): CheckpointMetadata | undefined {
	return copyMetadata(metadata, false);
}

/** Metadata's outer shape: an object with the `snapshot` flag every checkpoint's metadata carries. */
function shaped(metadata: unknown): metadata is object {
	return (
		typeof metadata === "object" &&
		metadata !== null &&
		typeof (metadata as { snapshot?: unknown }).snapshot === "boolean"
	);
}

function copyMetadata(
	metadata: unknown,
	freeze: boolean,
): CheckpointMetadata | undefined {
	if (!shaped(metadata)) return undefined;
	try {
		const copy = copyValue(metadata, 0, freeze);
		return copy === FAIL ? undefined : (copy as CheckpointMetadata);
	} catch {
		return undefined; // a throwing getter: metadataJson reports it
	}
}

const FAIL = Symbol("not plain JSON");

/** For a value that is not an object: whether JSON gives it back as it is. */
function plainScalar(value: unknown): boolean {
	switch (typeof value) {
		case "string":
			return !value.includes("\0");
		case "number":
			return Number.isFinite(value) && !Object.is(value, -0);
		case "boolean":
			return true;
		default:
			return false;
	}
}

/** A key JSON gives back as it is, and that cannot change an object's prototype. */
const plainKey = (key: string) =>
	key !== "__proto__" && key !== "toJSON" && !key.includes("\0");

/** A name that may be a key or a string of plain JSON metadata as it is (see `isPlainJson`). */
export const isPlainName = (name: string): boolean =>
	typeof name === "string" && plainKey(name);

/** An entry `isPlainJson` accepts in an object of scalars (run metadata as `RunConfig` types it). */
export const isPlainEntry = (key: string, value: unknown): boolean =>
	plainKey(key) && (value === null || plainScalar(value));

function copyValue(value: unknown, depth: number, freeze: boolean): unknown {
	if (typeof value !== "object") return plainScalar(value) ? value : FAIL;
	if (value === null) return null;
	if (depth >= MAX_DEPTH) return FAIL;
	if (Array.isArray(value)) {
		if (Object.getPrototypeOf(value) !== Array.prototype) return FAIL;
		const out = new Array<unknown>(value.length);
		for (let i = 0; i < value.length; i++) {
			if (!(i in value)) return FAIL; // a hole reads back as null
			const v = copyValue(value[i], depth + 1, freeze);
			if (v === FAIL) return FAIL;
			out[i] = v;
		}
		return freeze ? Object.freeze(out) : out;
	}
	const proto = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== null) return FAIL;
	const out: Record<string, unknown> = {};
	for (const key in value) {
		if (!Object.hasOwn(value, key)) continue;
		if (!plainKey(key)) return FAIL;
		const v = copyValue(
			(value as Record<string, unknown>)[key],
			depth + 1,
			freeze,
		);
		if (v === FAIL) return FAIL;
		out[key] = v;
	}
	return freeze ? Object.freeze(out) : out;
}

/**
 * Whether metadata is plain JSON by the rules of `frozenJsonCopy` (what it would copy), without copying.
 * For metadata handed over to the store (`PUT_SYNC`): kept as it is, and frozen with `freezePlain` before
 * anyone else sees it.
 */
export function isPlainJson(metadata: unknown): boolean {
	if (!shaped(metadata)) return false;
	try {
		return plain(metadata, 0);
	} catch {
		return false; // a throwing getter: metadataJson reports it
	}
}

function plain(value: unknown, depth: number): boolean {
	if (typeof value !== "object") return plainScalar(value);
	if (value === null) return true;
	if (depth >= MAX_DEPTH) return false;
	if (Array.isArray(value)) {
		if (Object.getPrototypeOf(value) !== Array.prototype) return false;
		for (let i = 0; i < value.length; i++)
			if (!(i in value) || !plain(value[i], depth + 1)) return false;
		return true;
	}
	const proto = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== null) return false;
	for (const key in value) {
		if (!Object.hasOwn(value, key)) continue;
		if (!plainKey(key)) return false;
		if (!plain((value as Record<string, unknown>)[key], depth + 1))
			return false;
	}
	return true;
}

/** Freezes plain JSON (checked with `isPlainJson`) in place, to the bottom. */
export function freezePlain<T>(value: T): T {
	if (typeof value === "object" && value !== null) {
		for (const key in value)
			freezePlain((value as Record<string, unknown>)[key]);
		Object.freeze(value);
	}
	return value;
}
