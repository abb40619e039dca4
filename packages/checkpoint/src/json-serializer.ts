import { createRequire } from "node:module";
import type { SuperJSON } from "superjson";
import { CheckpointError } from "./errors.ts";
import type { Serializer } from "./serializer.ts";

/** A type the serializer may store besides plain data: found by `test`, stored as plain data, rebuilt by `revive`. */
export interface SerializableType<T = unknown> {
	/** Unique and stable: it is written into stored data. */
	name: string;
	test(value: unknown): value is T;
	toPlain(value: T): unknown;
	fromPlain(plain: unknown): T;
}

const registry = new Map<string, SerializableType<any>>();
const listeners = new Set<(type: SerializableType<any>) => void>();

/**
 * Registers a type with every serializer of this process (for example `@weft/graph/llm` registers the
 * `@langchain/core` message classes). Registering the same name twice keeps the first.
 */
export function registerSerializableType<T>(type: SerializableType<T>): void {
	if (registry.has(type.name)) return;
	registry.set(type.name, type);
	for (const listener of listeners) listener(type);
}

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

const PLAIN = 0x6a; // "j": JSON.stringify output
const TAGGED = 0x74; // "t": JSON with registered types as { [MARK]: name, v: plain }
const RICH = 0x73; // "s": superjson output
const MAX_DEPTH = 1000;
/** The key that marks a registered type in TAGGED data; user data holding it goes the superjson way. */
const MARK = "\u0000weft";

/** What `inspect` found, as bits: nothing but JSON (0), registered types, other non-JSON values. */
const HAS_REGISTERED = 1;
const HAS_RICH = 2;

/**
 * Checks that `value` holds only what round-trips: plain objects, arrays, primitives, Date, Map, Set,
 * RegExp, BigInt, undefined, typed arrays and registered types. Returns what besides JSON it holds.
 */
function inspect(value: unknown, path: string, depth: number): number {
	if (depth > MAX_DEPTH) {
		throw new CheckpointError(
			"SERIALIZATION_FAILED",
			`value at ${path} is nested too deeply (or cyclic)`,
			{
				hint: "checkpointed state must be a tree of plain data",
			},
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
	if (value instanceof Map) {
		for (const [k, v] of value) {
			inspect(k, `${path}<key>`, depth + 1);
			inspect(v, `${path}.get(${String(k)})`, depth + 1);
		}
		return HAS_RICH;
	}
	if (value instanceof Set) {
		for (const v of value) inspect(v, `${path}<item>`, depth + 1);
		return HAS_RICH;
	}
	if (value instanceof Date || value instanceof RegExp) return HAS_RICH;
	if (TYPED_ARRAYS.some((T) => value instanceof T)) return HAS_RICH;
	if (registeredTypeOf(value) !== undefined) return HAS_REGISTERED;
	const name =
		(proto as { constructor?: { name?: string } })?.constructor?.name ??
		"unknown";
	throw unsupported(path, `an instance of class ${name}`);
}

function registeredTypeOf(value: unknown): SerializableType | undefined {
	for (const type of registry.values()) if (type.test(value)) return type;
	return undefined;
}

/**
 * A copy of `value` (checked by `inspect`: JSON plus registered types) with each registered instance
 * replaced by `{ [MARK]: name, v: plain }`. Built by hand, not with a JSON.stringify replacer, which
 * would call the instances' own (slow, lossy) `toJSON` first.
 */
function tagRegistered(value: unknown): unknown {
	if (typeof value !== "object" || value === null) return value;
	if (Array.isArray(value)) return value.map(tagRegistered);
	const proto = Object.getPrototypeOf(value);
	if (proto === Object.prototype) {
		const out: Record<string, unknown> = {};
		for (const key in value as Record<string, unknown>)
			out[key] = tagRegistered((value as Record<string, unknown>)[key]);
		return out;
	}
	const type = registeredTypeOf(value)!;
	return { [MARK]: type.name, v: tagRegistered(type.toPlain(value)) };
}

/** Rebuilds the registered instances of parsed TAGGED data, in place (inner ones first). */
function reviveRegistered(value: unknown): unknown {
	if (typeof value !== "object" || value === null) return value;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++)
			value[i] = reviveRegistered(value[i]);
		return value;
	}
	const record = value as Record<string, unknown>;
	for (const key in record) {
		// never written by serialize (it refuses such keys): crafted data
		if (key === "__proto__") throw crafted();
		record[key] = reviveRegistered(record[key]);
	}
	if (!Object.hasOwn(record, MARK)) return value;
	const type = registry.get(String(record[MARK]));
	if (type === undefined) {
		throw new CheckpointError(
			"DESERIALIZATION_FAILED",
			`stored data holds a value of type "${String(record[MARK])}", which is not registered in this process`,
			{
				hint: "import the module that registers it (for messages: @weft/checkpoint/langchain or @weft/graph/llm)",
			},
		);
	}
	return type.fromPlain(record.v);
}

function crafted(): CheckpointError {
	return new CheckpointError(
		"DESERIALIZATION_FAILED",
		"stored data holds a key named __proto__, which Weft never writes",
		{ hint: "the data was written by another program or is damaged" },
	);
}

function unsupported(path: string, what: string): CheckpointError {
	return new CheckpointError(
		"SERIALIZATION_FAILED",
		`cannot store ${what} at ${path}`,
		{
			hint: "store plain data (objects, arrays, Date, Map, Set, BigInt …) or register the type with registerSerializableType()",
		},
	);
}

/**
 * Plain JSON as JSON; JSON plus registered types (chat messages) as JSON with tagged values; anything
 * else (Date, Map, BigInt, undefined …) through a private superjson instance, loaded on first need.
 */
export class JsonSerializer implements Serializer {
	#instance: SuperJSON | undefined;
	readonly #encoder = new TextEncoder();
	readonly #decoder = new TextDecoder();

	constructor() {
		listeners.add((type) => {
			if (this.#instance !== undefined) this.#register(this.#instance, type);
		});
	}

	/** The superjson instance, made when the first non-JSON value comes (plain JSON never needs it). */
	get #superjson(): SuperJSON {
		if (this.#instance === undefined) {
			const { SuperJSON: Ctor } = createRequire(import.meta.url)(
				"superjson",
			) as typeof import("superjson");
			const instance = new Ctor();
			for (const type of registry.values()) this.#register(instance, type);
			this.#instance = instance;
		}
		return this.#instance;
	}

	#register(instance: SuperJSON, type: SerializableType<any>): void {
		instance.registerCustom<any, any>(
			{
				isApplicable: (v): v is any => type.test(v),
				serialize: (v) => type.toPlain(v) as never,
				deserialize: (v) => type.fromPlain(v),
			},
			`weft:${type.name}`,
		);
	}

	serialize(value: unknown): Uint8Array {
		const found = inspect(value, "$", 0);
		const tag = found === 0 ? PLAIN : found === HAS_REGISTERED ? TAGGED : RICH;
		let text: string;
		try {
			text =
				tag === PLAIN
					? JSON.stringify(value)
					: tag === TAGGED
						? JSON.stringify(tagRegistered(value))
						: this.#superjson.stringify(value);
		} catch (cause) {
			throw new CheckpointError(
				"SERIALIZATION_FAILED",
				`value could not be stored: ${(cause as Error).message}`,
				{
					hint: "store plain data, or register the type with registerSerializableType()",
					cause,
				},
			);
		}
		const body = this.#encoder.encode(text);
		const out = new Uint8Array(body.length + 1);
		out[0] = tag;
		out.set(body, 1);
		return out;
	}

	deserialize(bytes: Uint8Array): unknown {
		const tag = bytes[0];
		const text = this.#decoder.decode(bytes.subarray(1));
		try {
			if (tag === PLAIN) return JSON.parse(text);
			if (tag === TAGGED) return reviveRegistered(JSON.parse(text));
			if (tag === RICH) return this.#superjson.parse(text);
		} catch (cause) {
			if (cause instanceof CheckpointError) throw cause;
			throw new CheckpointError(
				"DESERIALIZATION_FAILED",
				"stored checkpoint data could not be read",
				{
					hint: "the data is damaged, or was written with a type that is not registered in this process",
					cause,
				},
			);
		}
		if (tag === 0x65) {
			throw new CheckpointError(
				"DECRYPTION_FAILED",
				"stored data is encrypted and no key was given",
				{
					hint: "pass the serializer that wrote it: createSerializer({ encryptionKey })",
				},
			);
		}
		throw new CheckpointError(
			"DESERIALIZATION_FAILED",
			`stored data has an unknown format tag ${tag}`,
			{
				hint: "the data was written by another program or is encrypted: pass the serializer that wrote it",
			},
		);
	}
}
