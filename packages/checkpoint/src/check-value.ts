// What serialize accepts: values that come back as they went in, no deeper than MAX_WRITE_DEPTH.
import { CheckpointError } from "./errors.ts";
import { registeredPlainOf } from "./type-registry.ts";

/** How deep a value may nest (a cyclic value reaches it too). */
export const MAX_WRITE_DEPTH = 1000;
/** The key that marks a registered type in TAGGED data; user data holding it goes the superjson way. */
export const MARK = "\u0000weft";

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
 */
export function inspect(value: unknown, path: string, depth: number): number {
	if (depth > MAX_WRITE_DEPTH) {
		throw new CheckpointError(
			"SERIALIZATION_FAILED",
			`value at ${path.length > 200 ? `${path.slice(0, 200)}…` : path} is nested more than ${MAX_WRITE_DEPTH} levels deep (or cyclic)`,
			{ hint: "checkpointed state must be a tree of plain data" },
		);
	}
	switch (typeof value) {
		case "string":
		case "boolean":
			return 0;
		case "number":
			return Number.isFinite(value) ? 0 : HAS_RICH;
		case "undefined":
		case "bigint":
			return HAS_RICH;
		case "function":
		case "symbol":
			throw unsupported(path, typeof value);
		default:
			break;
	}
	if (value === null) return 0;
	const proto = Object.getPrototypeOf(value);
	if (proto === Object.prototype || proto === null) {
		let found = proto === null ? HAS_RICH : 0;
		for (const key in value as Record<string, unknown>) {
			if (key === "__proto__")
				throw unsupported(`${path}.__proto__`, "a key named __proto__");
			if (key === MARK) found |= HAS_RICH;
			found |= inspect(
				(value as Record<string, unknown>)[key],
				`${path}.${key}`,
				depth + 1,
			);
		}
		return found;
	}
	if (Array.isArray(value)) {
		let found = 0;
		for (let i = 0; i < value.length; i++)
			found |= inspect(value[i], `${path}[${i}]`, depth + 1);
		return found;
	}
	return inspectInstance(value as object, proto, path, depth);
}

function inspectInstance(
	value: object,
	proto: unknown,
	path: string,
	depth: number,
): number {
	if (value instanceof Map) {
		// stored as [[key, value], …]: two levels more
		for (const [k, v] of value) {
			inspect(k, `${path}<key>`, depth + 2);
			inspect(v, `${path}.get(${String(k)})`, depth + 2);
		}
		return HAS_RICH;
	}
	if (value instanceof Set) {
		for (const v of value) inspect(v, `${path}<item>`, depth + 1);
		return HAS_RICH;
	}
	if (value instanceof Date || value instanceof RegExp) return HAS_RICH;
	if (TYPED_ARRAYS.some((T) => value instanceof T)) return HAS_RICH;
	if (registeredPlainOf(value) !== undefined) return HAS_REGISTERED;
	const name =
		(proto as { constructor?: { name?: string } })?.constructor?.name ??
		"unknown";
	throw unsupported(path, `an instance of class ${name}`);
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
