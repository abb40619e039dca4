// What a stored superjson payload (blob tag "s") may ask the reader to build: the allow-list.
import { checkParsed } from "./check-stored.ts";
import { unreadable } from "./read-errors.ts";
import type { BlobPlace } from "./serializer.ts";

/** superjson's plain annotations Weft writes; "Error" and "URL" are never written (serialize refuses them). */
const SIMPLE = new Set([
	"undefined",
	"bigint",
	"Date",
	"regexp",
	"set",
	"map",
	"number",
]);
const TYPED_ARRAYS = new Set([
	"Int8Array",
	"Uint8Array",
	"Uint8ClampedArray",
	"Int16Array",
	"Uint16Array",
	"Int32Array",
	"Uint32Array",
	"Float32Array",
	"Float64Array",
]);
/** The prefix of the superjson names under which serializers register Weft's registered types. */
export const CUSTOM_PREFIX = "weft:";
/**
 * superjson's name for an invalid Date (`new Date(NaN)`), which superjson itself does not take for a Date
 * and JSON would write as null.
 */
export const INVALID_DATE = "weft.invalid-date";

export interface RichPayload {
	json: unknown;
	meta?: { values?: unknown; v?: number };
	/** Registered type names the payload uses (without the prefix). */
	types: Set<string>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a parsed superjson payload: its shape, depth and keys (with `walk`: see `needsCheck`), and that its annotations build only
 * allowed types. Shared-reference annotations are dropped (shared values come back as equal copies,
 * which is how the other formats store them); cyclic ones are refused, since serialize refuses cycles.
 */
export function checkRichPayload(
	payload: unknown,
	place: BlobPlace | undefined,
	walk: boolean,
): RichPayload {
	if (!isRecord(payload) || !Object.hasOwn(payload, "json"))
		throw unreadable(place, "it is not a superjson payload");
	if (walk) checkParsed(payload, place);
	const { meta } = payload;
	const types = new Set<string>();
	if (meta === undefined) return { json: payload.json, types };
	if (!isRecord(meta))
		throw unreadable(place, "its superjson meta is not an object");
	for (const key in meta) {
		if (key !== "values" && key !== "v" && key !== "referentialEqualities")
			throw unreadable(place, `its superjson meta has an unknown key "${key}"`);
	}
	if (meta.v !== undefined && meta.v !== 1)
		throw unreadable(place, `its superjson meta has version ${String(meta.v)}`);
	checkEqualities(meta.referentialEqualities, place);
	checkTree(meta.values, place, types);
	return {
		json: payload.json,
		meta: { values: meta.values, ...(meta.v === 1 ? { v: 1 } : {}) },
		types,
	};
}

/** Walks an annotation tree: `[annotation, children?]` or `{ path: tree }`. Depth is bounded by checkParsed. */
function checkTree(
	tree: unknown,
	place: BlobPlace | undefined,
	types: Set<string>,
): void {
	if (tree === undefined) return;
	if (Array.isArray(tree)) {
		if (tree.length < 1 || tree.length > 2)
			throw unreadable(place, "its superjson meta has a malformed annotation");
		checkAnnotation(tree[0], place, types);
		if (tree.length === 2) checkChildren(tree[1], place, types);
		return;
	}
	checkChildren(tree, place, types);
}

function checkChildren(
	children: unknown,
	place: BlobPlace | undefined,
	types: Set<string>,
): void {
	if (!isRecord(children))
		throw unreadable(place, "its superjson meta has a malformed annotation");
	for (const key in children) {
		const child = children[key];
		if (child === undefined || (!Array.isArray(child) && !isRecord(child)))
			throw unreadable(place, "its superjson meta has a malformed annotation");
		checkTree(child, place, types);
	}
}

function checkAnnotation(
	annotation: unknown,
	place: BlobPlace | undefined,
	types: Set<string>,
): void {
	if (typeof annotation === "string") {
		if (SIMPLE.has(annotation)) return;
		throw refused(place, `a value of type "${annotation}"`);
	}
	if (Array.isArray(annotation) && annotation.length === 2) {
		const [kind, name] = annotation as [unknown, unknown];
		if (kind === "typed-array" && TYPED_ARRAYS.has(name as string)) return;
		if (kind === "custom" && name === INVALID_DATE) return;
		if (
			kind === "custom" &&
			typeof name === "string" &&
			name.startsWith(CUSTOM_PREFIX)
		) {
			types.add(name.slice(CUSTOM_PREFIX.length));
			return;
		}
		throw refused(place, `a value of type ${JSON.stringify(annotation)}`);
	}
	throw unreadable(place, "its superjson meta has a malformed annotation");
}

function refused(place: BlobPlace | undefined, what: string) {
	return unreadable(
		place,
		`it asks to build ${what}, which Weft never writes (only plain data, Date, Map, Set, BigInt, RegExp, typed arrays and registered types are read)`,
	);
}

/** Cycles are refused; a shared value's annotation (`{ first: [others] }`, no path inside another) is ignored. */
function checkEqualities(
	equalities: unknown,
	place: BlobPlace | undefined,
): void {
	if (equalities === undefined) return;
	const cyclic = () =>
		unreadable(place, "it holds a cyclic value, which Weft never writes");
	if (!isRecord(equalities)) throw cyclic(); // the array form makes the root refer to itself
	for (const first in equalities) {
		const others = equalities[first];
		if (!Array.isArray(others) || others.some((o) => typeof o !== "string"))
			throw unreadable(place, "its superjson meta has malformed equalities");
		for (const other of others as string[])
			if (other.startsWith(`${first}.`) || first.startsWith(`${other}.`))
				throw cyclic();
	}
}
