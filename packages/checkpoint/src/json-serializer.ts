import { createRequire } from "node:module";
import type { SuperJSON } from "superjson";
import {
	ENCRYPTED,
	ENCRYPTED_UNBOUND,
	INLINE,
	PLAIN,
	RICH,
	TAGGED,
} from "./blob-tags.ts";
import {
	checkParsed,
	MAX_READ_DEPTH,
	needsCheck,
	protoKey,
} from "./check-stored.ts";
import { HAS_REGISTERED, inspect, MARK, MESSAGE_MARK } from "./check-value.ts";
import { CheckpointError, ConfigError, isWeftError } from "./errors.ts";
import { MESSAGE_TYPE, type StoredMessage } from "./langchain-messages.ts";
import { describePlace, unreadable } from "./read-errors.ts";
import { notRegistered, revived } from "./revive.ts";
import type { BlobPlace, Serializer } from "./serializer.ts";
import {
	CUSTOM_PREFIX,
	checkRichPayload,
	INVALID_DATE,
} from "./superjson-payload.ts";
import { MARKED_FIELD, tagRegistered } from "./tag-registered.ts";
import { isTaggedValue, taggedNames } from "./tagged-value.ts";
import { findType, registeredTypes, registryVersion } from "./type-registry.ts";

/**
 * Blobs that may need more than this many bytes are encoded directly, so the reused buffer stays small
 * (a snapshot of a long conversation would otherwise keep a megabyte alive for the process's life).
 */
const SCRATCH_LIMIT = 1 << 16;

/**
 * Blobs that need at most this many bytes are cut from a shared slab of `SLAB_SIZE` bytes (as Node pools
 * small Buffers): a typed array with its own ArrayBuffer costs ≈ 1–2 µs to make in Node 20 and a buffer
 * of its own to keep, a view into a slab ≈ 0.1 µs (perf, issue 17: a W5 cycle writes six small blobs).
 */
const POOLED_MAX = 1024;
/** Blobs encoded elsewhere (their worst case is over `POOLED_MAX`) are copied into the slab up to this size. */
const COPIED_MAX = 2048;
const SLAB_SIZE = 8192;

export interface JsonSerializerOptions {
	/**
	 * What reading does with a stored value of a registered type this process cannot rebuild:
	 * `"error"` (the default) throws `DESERIALIZATION_FAILED`; `"tag"` returns it as a `TaggedValue`
	 * (`{ $type, value }`), for store readers (a CLI, a server) that only display state.
	 */
	unknownTypes?: "error" | "tag" | undefined;
}

/**
 * Plain JSON as JSON; JSON plus registered types (chat messages) as JSON with tagged values; anything
 * else (Date, Map, BigInt, undefined …) through a private superjson instance, loaded on first need.
 * Reading builds only those types, refuses what serialize never writes, and throws only typed errors.
 */
export class JsonSerializer implements Serializer {
	#instance: SuperJSON | undefined;
	#syncedRegistry = -1;
	#syncedTags = -1;
	/** The place of the blob being read, for errors raised inside superjson's callbacks. */
	#place: BlobPlace | undefined;
	/** Whether the blob being read is INLINE (its messages inline). */
	#inline = false;
	readonly #tag: boolean;
	readonly #encoder = new TextEncoder();
	readonly #decoder = new TextDecoder();
	#scratch = new Uint8Array(1024);
	#scratchBody = this.#scratch.subarray(1);
	/** The slab small blobs are cut from, and where its free part starts. */
	#slab = new Uint8Array(0);
	#slabAt = 0;

	constructor(options: JsonSerializerOptions = {}) {
		const { unknownTypes } = options;
		if (
			unknownTypes !== undefined &&
			unknownTypes !== "error" &&
			unknownTypes !== "tag"
		) {
			throw new ConfigError(
				"CONFIG_INVALID",
				`unknownTypes must be "error" or "tag", got ${JSON.stringify(unknownTypes)}`,
				{
					hint: 'use "tag" in processes that only read and display stored state',
				},
			);
		}
		this.#tag = unknownTypes === "tag";
	}

	/** The superjson instance, made when the first non-JSON value comes, with every type known so far. */
	get #superjson(): SuperJSON {
		if (this.#instance === undefined) {
			const { SuperJSON: Ctor } = createRequire(import.meta.url)(
				"superjson",
			) as typeof import("superjson");
			this.#instance = new Ctor();
			this.#instance.registerCustom<Date, string>(
				{
					isApplicable: (v): v is Date =>
						v instanceof Date && Number.isNaN(v.getTime()),
					serialize: () => "Invalid Date",
					deserialize: () => new Date(Number.NaN),
				},
				INVALID_DATE,
			);
		}
		if (
			this.#syncedRegistry !== registryVersion() ||
			this.#syncedTags !== taggedNames().size
		) {
			const names = new Set(taggedNames());
			for (const type of registeredTypes()) names.add(type.name);
			for (const name of names) this.#register(this.#instance, name);
			this.#syncedRegistry = registryVersion();
			this.#syncedTags = taggedNames().size;
		}
		return this.#instance;
	}

	/** Registers (or replaces) the transformer of a registered type, which also writes back tagged values of it. */
	#register(instance: SuperJSON, name: string): void {
		instance.registerCustom<any, any>(
			{
				isApplicable: (v): v is any =>
					isTaggedValue(v)
						? v.$type === name
						: (findType(name)?.test(v) ?? false),
				serialize: (v) =>
					(isTaggedValue(v) ? v.value : findType(name)!.toPlain(v)) as never,
				deserialize: (plain) => revived(name, plain, this.#tag, this.#place),
			},
			`${CUSTOM_PREFIX}${name}`,
		);
	}

	serialize(value: unknown, _place?: BlobPlace): Uint8Array {
		const found = inspect(value, "$", 0);
		let tag = found === 0 ? PLAIN : found === HAS_REGISTERED ? INLINE : RICH;
		let text: string;
		try {
			if (tag === PLAIN) text = JSON.stringify(value);
			else if (tag === INLINE) {
				try {
					text = JSON.stringify(tagRegistered(value));
				} catch (cause) {
					if (cause !== MARKED_FIELD) throw cause;
					// a registered value holding a key named like a mark: the superjson way, where no key is read as one
					tag = RICH;
					text = this.#stringifyRich(value);
				}
			} else text = this.#stringifyRich(value);
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
		return this.#bytes(tag, text);
	}

	/**
	 * The tag byte and the UTF-8 of `text`. A small blob is encoded straight into the slab and handed out as
	 * a view of it (never written again: the slab's next blob starts past it); a larger one is encoded into
	 * a reused buffer and copied out once: `encode` would allocate a buffer in C++ per blob only to copy it
	 * behind the tag (one blob per step).
	 */
	#bytes(tag: number, text: string): Uint8Array {
		const most = text.length * 3 + 1;
		if (most <= POOLED_MAX) {
			if (this.#slab.length - this.#slabAt < most) {
				this.#slab = new Uint8Array(SLAB_SIZE);
				this.#slabAt = 0;
			}
			const at = this.#slabAt;
			this.#slab[at] = tag;
			const { written } = this.#encoder.encodeInto(
				text,
				this.#slab.subarray(at + 1, at + most),
			);
			const end = at + written + 1;
			this.#slabAt = (end + 7) & ~7; // the next blob starts 8-byte aligned
			return this.#slab.subarray(at, end);
		}
		if (most > SCRATCH_LIMIT) {
			const body = this.#encoder.encode(text);
			const out = new Uint8Array(body.length + 1);
			out[0] = tag;
			out.set(body, 1);
			return out;
		}
		if (this.#scratch.length < most) {
			this.#scratch = new Uint8Array(Math.max(most, this.#scratch.length * 2));
			this.#scratchBody = this.#scratch.subarray(1);
		}
		this.#scratch[0] = tag;
		const { written } = this.#encoder.encodeInto(text, this.#scratchBody);
		const size = written + 1;
		if (size > COPIED_MAX) return this.#scratch.slice(0, size);
		// encoded larger than its worst case allows for the slab, yet small: copied into it
		if (this.#slab.length - this.#slabAt < size) {
			this.#slab = new Uint8Array(SLAB_SIZE);
			this.#slabAt = 0;
		}
		const at = this.#slabAt;
		this.#slab.set(this.#scratch.subarray(0, size), at);
		this.#slabAt = (at + size + 7) & ~7;
		return this.#slab.subarray(at, at + size);
	}

	/** superjson without its shared-reference annotations: shared values are stored (and read) as copies. */
	#stringifyRich(value: unknown): string {
		const payload = this.#superjson.serialize(value);
		if (payload.meta?.referentialEqualities !== undefined)
			delete payload.meta.referentialEqualities;
		return JSON.stringify(payload);
	}

	deserialize(bytes: Uint8Array, place?: BlobPlace): unknown {
		if (!(bytes instanceof Uint8Array) || bytes.length === 0)
			throw unreadable(place, "the blob is empty or not bytes");
		const tag = bytes[0];
		if (tag !== PLAIN && tag !== INLINE && tag !== TAGGED && tag !== RICH)
			throw unknownFormat(tag!, place);
		// the tag byte decoded with the rest and sliced off the string: no view object per blob read
		const text = this.#decoder.decode(bytes).slice(1);
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (cause) {
			throw unreadable(
				place,
				"its JSON is malformed (damaged or cut short)",
				cause,
			);
		}
		if (tag === PLAIN) {
			if (needsCheck(text)) checkParsed(parsed, place);
			return parsed;
		}
		this.#place = place;
		this.#inline = tag === INLINE;
		try {
			if (tag !== RICH) return this.#reviveTagged(parsed, 0);
			return this.#parseRich(parsed, place, needsCheck(text));
		} catch (cause) {
			if (isWeftError(cause)) throw cause;
			const detail = cause instanceof Error ? cause.message : String(cause);
			throw unreadable(place, detail, cause);
		} finally {
			this.#place = undefined;
		}
	}

	/**
	 * Rebuilds the registered values of parsed TAGGED or INLINE data, in place (inner ones first). A key
	 * `MESSAGE_MARK` marks an inline message only in INLINE data: TAGGED data may hold it as user data.
	 */
	#reviveTagged(value: unknown, depth: number): unknown {
		if (typeof value !== "object" || value === null) return value;
		const place = this.#place;
		if (depth >= MAX_READ_DEPTH)
			throw unreadable(place, `it nests deeper than ${MAX_READ_DEPTH} levels`);
		// primitives are tested here, not in a call each, and only revived values are written back
		if (Array.isArray(value)) {
			for (let i = 0; i < value.length; i++) {
				const item: unknown = value[i];
				if (typeof item !== "object" || item === null) continue;
				const out = this.#reviveTagged(item, depth + 1);
				if (out !== item) value[i] = out;
			}
			return value;
		}
		const record = value as Record<string, unknown>;
		let keys = 0;
		let message = false;
		for (const key in record) {
			if (key === "__proto__") throw protoKey(place);
			if (key === MESSAGE_MARK) message = this.#inline;
			keys++;
			const item = record[key];
			if (typeof item !== "object" || item === null) continue;
			const out = this.#reviveTagged(item, depth + 1);
			if (out !== item) record[key] = out;
		}
		if (message) return this.#inlineMessage(record);
		if (!Object.hasOwn(record, MARK)) return value;
		const name = record[MARK];
		if (typeof name !== "string" || keys !== 2 || !Object.hasOwn(record, "v"))
			throw unreadable(place, "it holds a malformed tagged value");
		return revived(name, record.v, this.#tag, place);
	}

	/** The message of an inline record, `{ [MESSAGE_MARK]: class, ...fields }`, its fields already revived. */
	#inlineMessage(record: Record<string, unknown>): unknown {
		const name = record[MESSAGE_MARK];
		if (typeof name !== "string" || Object.hasOwn(record, MARK))
			throw unreadable(this.#place, "it holds a malformed message");
		const data: Record<string, unknown> = {};
		for (const key in record) if (key !== MESSAGE_MARK) data[key] = record[key];
		return revived(
			MESSAGE_TYPE,
			{ class: name, data } satisfies StoredMessage,
			this.#tag,
			this.#place,
		);
	}

	#parseRich(
		parsed: unknown,
		place: BlobPlace | undefined,
		walk: boolean,
	): unknown {
		const payload = checkRichPayload(parsed, place, walk);
		for (const name of payload.types) {
			// a type Weft writes may be loaded now; an unknown one is an error unless tagging
			if (findType(name) === undefined && !this.#tag)
				throw notRegistered(name, place);
		}
		const instance = this.#superjson;
		for (const name of payload.types)
			if (findType(name) === undefined) this.#register(instance, name);
		return instance.deserialize(
			{
				json: payload.json as never,
				...(payload.meta && { meta: payload.meta as never }),
			},
			{ inPlace: true },
		);
	}
}

function unknownFormat(
	tag: number,
	place: BlobPlace | undefined,
): CheckpointError {
	if (tag === ENCRYPTED || tag === ENCRYPTED_UNBOUND) {
		return new CheckpointError(
			"DECRYPTION_FAILED",
			`${place === undefined ? "stored data" : describePlace(place)} is encrypted and no key was given`,
			{
				hint: "pass the serializer that wrote it: createSerializer({ encryptionKey })",
			},
		);
	}
	return unreadable(
		place,
		`its format tag ${tag} is none this version of Weft reads (written by a newer Weft, or damaged)`,
	);
}

/**
 * A store's `serializer` option: the default `JsonSerializer` when left out, else an object with
 * `serialize` and `deserialize`; anything else is `CONFIG_INVALID` where the store is made (it was a
 * `TypeError` at the first write).
 */
export function serializerOption(value: unknown, store: string): Serializer {
	if (value === undefined) return new JsonSerializer();
	const s = value as Partial<Serializer> | null;
	if (
		typeof s === "object" &&
		s !== null &&
		typeof s.serialize === "function" &&
		typeof s.deserialize === "function"
	)
		return s as Serializer;
	throw new ConfigError(
		"CONFIG_INVALID",
		`${store}: serializer must have serialize and deserialize methods, not ${s === null ? "null" : typeof s === "object" ? "an object without them" : typeof s}`,
		{
			hint: "pass createSerializer() (or createSerializer({ encryptionKey })) from @weft/checkpoint, or leave serializer out",
		},
	);
}
