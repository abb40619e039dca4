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
	if (
		typeof metadata !== "object" ||
		metadata === null ||
		typeof (metadata as { snapshot?: unknown }).snapshot !== "boolean"
	)
		return undefined;
	try {
		const copy = copyValue(metadata, 0, true);
		return copy === FAIL ? undefined : (copy as CheckpointMetadata);
	} catch {
		return undefined; // a throwing getter: metadataJson reports it
	}
}

/**
 * `frozenJsonCopy` without the freezing, for a copy nobody else sees until it is frozen (a memory row's
 * metadata is frozen when its summary is first made: perf, issue 17, freezing was most of the copy's cost).
 */
export function plainJsonCopy(
	metadata: unknown,
): CheckpointMetadata | undefined {
	if (
		typeof metadata !== "object" ||
		metadata === null ||
		typeof (metadata as { snapshot?: unknown }).snapshot !== "boolean"
	)
		return undefined;
	try {
		const copy = copyValue(metadata, 0, false);
		return copy === FAIL ? undefined : (copy as CheckpointMetadata);
	} catch {
		return undefined;
	}
}

const FAIL = Symbol("not plain JSON");

function copyValue(value: unknown, depth: number, freeze: boolean): unknown {
	switch (typeof value) {
		case "string":
			return value.includes("\0") ? FAIL : value;
		case "number":
			return Number.isFinite(value) && !Object.is(value, -0) ? value : FAIL;
		case "boolean":
			return value;
		case "object":
			break;
		default:
			return FAIL;
	}
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
		if (key === "__proto__" || key === "toJSON" || key.includes("\0"))
			return FAIL;
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
	if (
		typeof metadata !== "object" ||
		metadata === null ||
		typeof (metadata as { snapshot?: unknown }).snapshot !== "boolean"
	)
		return false;
	try {
		return plain(metadata, 0);
	} catch {
		return false; // a throwing getter: metadataJson reports it
	}
}

function plain(value: unknown, depth: number): boolean {
	switch (typeof value) {
		case "string":
			return !value.includes("\0");
		case "number":
			return Number.isFinite(value) && !Object.is(value, -0);
		case "boolean":
			return true;
		case "object":
			break;
		default:
			return false;
	}
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
		if (key === "__proto__" || key === "toJSON" || key.includes("\0"))
			return false;
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
