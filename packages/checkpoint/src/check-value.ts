// What serialize accepts: values that come back as they went in, no deeper than MAX_WRITE_DEPTH.
import { CheckpointError } from "./errors.ts";
import { isTaggedValue } from "./tagged-value.ts";
import { registeredTypeOf } from "./type-registry.ts";

/** How deep a value may nest (a cyclic value reaches it too). */
export const MAX_WRITE_DEPTH = 1000;
/** The key that marks a registered type in TAGGED data; user data holding it goes the superjson way. */
export const MARK = "\u0000weft";
/** The key that marks an inline LangChain message in INLINE data (its class); user data holding it goes the superjson way. */
export const MESSAGE_MARK = "\u0000lc";

/** What `inspect` found, as bits: nothing but JSON (0), registered types, other non-JSON values. */
export const HAS_REGISTERED = 1;
export const HAS_RICH = 2;

const TYPED_ARRAYS = [
	Int8Array,
	Uint8Array,
	Uint8ClampedArray,
	Int16Array,
	Uint16Array,
	Int32Array,
	Uint32Array,
	Float32Array,
	Float64Array,
	BigInt64Array,
	BigUint64Array,
] as const;

/**
 * Checks that `value` holds only what round-trips: plain objects, arrays, primitives, Date, Map, Set,
 * RegExp, BigInt, undefined, typed arrays and registered types. Returns what besides JSON it holds.
 * The path in an error (`path` is the root's name) is built only when there is one (perf, issue 17:
 * a path string per value walked was a third of this check's cost).
 */
export function inspect(value: unknown, path: string, depth: number): number {
	try {
		return walk(value, depth);
	} catch (error) {
		if (error instanceof Refusal) throw error.toError(path);
		throw error;
	}
}

/** What the walk refused, and where: `at` holds the path's segments from the inside out. */
class Refusal {
	readonly at: string[] = [];
	readonly what: string | undefined;
	constructor(what: string | undefined) {
		this.what = what;
	}
	toError(root: string): CheckpointError {
		const path = root + this.at.reverse().join("");
		if (this.what !== undefined) return unsupported(path, this.what);
		return new CheckpointError(
			"SERIALIZATION_FAILED",
			`value at ${path.length > 200 ? `${path.slice(0, 200)}…` : path} is nested more than ${MAX_WRITE_DEPTH} levels deep (or cyclic)`,
			{ hint: "checkpointed state must be a tree of plain data" },
		);
	}
}

/** Where a child sits in its parent, for the path of a refusal. */
const In = { Object: 0, Array: 1, MapKey: 2, MapValue: 3, Set: 4 } as const;
type In = (typeof In)[keyof typeof In];

/** Walks `child` (at `key` in a parent of kind `kind`); a refusal inside it gets that step of its path. */
function walkAt(
	child: unknown,
	depth: number,
	kind: In,
	key?: unknown,
): number {
	try {
		return walk(child, depth);
	} catch (error) {
		if (error instanceof Refusal) error.at.push(segment(kind, key));
		throw error;
	}
}

function segment(kind: In, key: unknown): string {
	switch (kind) {
		case In.Object:
			return `.${String(key)}`;
		case In.Array:
			return `[${String(key)}]`;
		case In.MapKey:
			return "<key>";
		case In.MapValue:
			return `.get(${String(key)})`;
		default:
			return "<item>";
	}
}

function walk(value: unknown, depth: number): number {
	if (depth > MAX_WRITE_DEPTH) throw new Refusal(undefined);
	switch (typeof value) {
		case "string":
		case "boolean":
			return 0;
		case "number":
			// JSON writes -0 as 0: superjson keeps it
			return Number.isFinite(value) && !Object.is(value, -0) ? 0 : HAS_RICH;
		case "undefined":
		case "bigint":
			return HAS_RICH;
		case "function":
		case "symbol":
			throw new Refusal(typeof value);
		default:
			break;
	}
	if (value === null) return 0;
	const proto = Object.getPrototypeOf(value);
	if (proto === Object.prototype || proto === null) {
		let found = proto === null ? HAS_RICH : 0;
		for (const key in value as Record<string, unknown>) {
			if (key === "__proto__") {
				const refusal = new Refusal("a key named __proto__");
				refusal.at.push(".__proto__");
				throw refusal;
			}
			if (key === MARK || key === MESSAGE_MARK) found |= HAS_RICH;
			const v = (value as Record<string, unknown>)[key];
			// primitives need no frame (most of a step's values are)
			found |=
				typeof v === "object" ||
				typeof v === "function" ||
				typeof v === "symbol"
					? walkAt(v, depth + 1, In.Object, key)
					: walk(v, depth + 1);
		}
		return found;
	}
	if (Array.isArray(value)) {
		let found = 0;
		for (let i = 0; i < value.length; i++) {
			const v = value[i];
			found |=
				typeof v === "object" ||
				typeof v === "function" ||
				typeof v === "symbol"
					? walkAt(v, depth + 1, In.Array, i)
					: walk(v, depth + 1);
		}
		return found;
	}
	return walkInstance(value as object, proto, depth);
}

function walkInstance(value: object, proto: unknown, depth: number): number {
	if (value instanceof Map) {
		// stored as [[key, value], …]: two levels more
		for (const [k, v] of value) {
			walkAt(k, depth + 2, In.MapKey);
			walkAt(v, depth + 2, In.MapValue, k);
		}
		return HAS_RICH;
	}
	if (value instanceof Set) {
		for (const v of value) walkAt(v, depth + 1, In.Set);
		return HAS_RICH;
	}
	if (value instanceof Date || value instanceof RegExp) return HAS_RICH;
	// one native check first: a registered instance (a message) is walked here once per blob
	if (ArrayBuffer.isView(value) && TYPED_ARRAYS.some((T) => value instanceof T))
		return HAS_RICH;
	if (isTaggedValue(value) || registeredTypeOf(value) !== undefined)
		return HAS_REGISTERED;
	const name =
		(proto as { constructor?: { name?: string } })?.constructor?.name ??
		"unknown";
	throw new Refusal(`an instance of class ${name}`);
}

export function unsupported(path: string, what: string): CheckpointError {
	return new CheckpointError(
		"SERIALIZATION_FAILED",
		`cannot store ${what} at ${path}`,
		{
			hint: "store plain data (objects, arrays, Date, Map, Set, BigInt …) or register the type with registerSerializableType()",
		},
	);
}
