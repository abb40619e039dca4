import {
	ENCRYPTED,
	ENCRYPTED_UNBOUND,
	INLINE,
	PLAIN,
	RICH,
	TAGGED,
} from "./blob-tags.ts";
import {
	type EncryptionKeyOption,
	type NamedKey,
	parseKeys,
} from "./encryption-keys.ts";
import { CheckpointError, ConfigError } from "./errors.ts";
import {
	JsonSerializer,
	type JsonSerializerOptions,
} from "./json-serializer.ts";
import { describePlace, unreadable } from "./read-errors.ts";
import type { BlobPlace, Serializer } from "./serializer.ts";

export type { EncryptionKey } from "./encryption-keys.ts";

export interface SerializerOptions extends JsonSerializerOptions {
	/**
	 * Encrypts stored data with AES-256-GCM, each blob bound to its thread, namespace and checkpoint.
	 * Several keys rotate: the first encrypts, all decrypt (`{ id, key }` names a key; otherwise its id
	 * is derived from it). Present but empty (`undefined`, `""`, `[]`) is an error, never "no encryption".
	 */
	encryptionKey?: EncryptionKeyOption | undefined;
	/**
	 * Migration: also read blobs that are not encrypted (written before encryption was turned on).
	 * Without it an encrypting serializer refuses them. Writes are always encrypted.
	 */
	allowPlaintext?: boolean | undefined;
	/**
	 * Migration: also read encrypted blobs written by Weft 0.1, which are not bound to their place
	 * (a copy of one in another thread would read). Writes are always bound.
	 */
	legacyUnbound?: boolean | undefined;
}

/**
 * The default serializer (plain JSON fast path, superjson for the rest), optionally encrypting at rest.
 * @example
 * new SqliteCheckpointer({ path: "weft.db", serializer: createSerializer({ encryptionKey: process.env.WEFT_KEY }) });
 */
export function createSerializer(options: SerializerOptions = {}): Serializer {
	const inner = new JsonSerializer(options);
	if (!("encryptionKey" in options)) {
		for (const flag of ["allowPlaintext", "legacyUnbound"] as const) {
			if (options[flag] !== undefined) {
				throw new ConfigError(
					"CONFIG_INVALID",
					`${flag} is given without encryptionKey`,
					{
						hint: `${flag} only relaxes what an encrypting serializer reads: pass encryptionKey too`,
					},
				);
			}
		}
		return inner;
	}
	return new EncryptedSerializer(inner, parseKeys(options.encryptionKey), {
		plaintext: options.allowPlaintext === true,
		unbound: options.legacyUnbound === true,
	});
}

const PLAINTEXT = new Set([PLAIN, TAGGED, INLINE, RICH]);
const IV = 12;
const TAG = 16;

class EncryptedSerializer implements Serializer {
	readonly #inner: Serializer;
	readonly #keys: readonly NamedKey[];
	readonly #allow: { plaintext: boolean; unbound: boolean };

	constructor(
		inner: Serializer,
		keys: readonly NamedKey[],
		allow: { plaintext: boolean; unbound: boolean },
	) {
		this.#inner = inner;
		this.#keys = keys;
		this.#allow = allow;
	}

	serialize(value: unknown, place?: BlobPlace): Uint8Array {
		const plain = this.#inner.serialize(value, place);
		const { id, key } = this.#keys[0]!;
		const header = headerOf(id);
		const crypto = process.getBuiltinModule("node:crypto");
		const iv = crypto.randomBytes(IV);
		const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
		cipher.setAAD(additionalData(header, place));
		const body = Buffer.concat([cipher.update(plain), cipher.final()]);
		return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
	}

	deserialize(bytes: Uint8Array, place?: BlobPlace): unknown {
		const tag = bytes instanceof Uint8Array ? bytes[0] : undefined;
		if (tag === ENCRYPTED)
			return this.#inner.deserialize(
				decrypt(bytes, this.#keys, place, true),
				place,
			);
		if (tag === ENCRYPTED_UNBOUND) {
			if (!this.#allow.unbound) throw refusedUnbound(place);
			return this.#inner.deserialize(
				decrypt(bytes, this.#keys, place, false),
				place,
			);
		}
		// other bytes are damage, which the inner serializer names
		if (PLAINTEXT.has(tag!) && !this.#allow.plaintext)
			throw refusedPlaintext(place);
		return this.#inner.deserialize(bytes, place);
	}
}

/** The tag, the key id's length and the key id: authenticated along with the place. */
function headerOf(id: string): Buffer {
	const idBytes = Buffer.from(id, "utf8");
	return Buffer.concat([Buffer.from([ENCRYPTED, idBytes.length]), idBytes]);
}

/** The additional data of a blob: its header and its place (JSON keeps the three fields apart). */
function additionalData(
	header: Uint8Array,
	place: BlobPlace | undefined,
): Buffer {
	const where =
		place === undefined
			? "null"
			: JSON.stringify([place.threadId, place.ns, place.checkpointId]);
	return Buffer.concat([header, Buffer.from(where, "utf8")]);
}

/** Opens an encrypted blob; a missing or wrong key, a changed byte or another place is an error, never garbage. */
function decrypt(
	bytes: Uint8Array,
	keys: readonly NamedKey[],
	place: BlobPlace | undefined,
	bound: boolean,
): Uint8Array {
	const where = place === undefined ? "stored data" : describePlace(place);
	const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const idLength = buf[1] ?? 0;
	const start = 2 + idLength;
	if (buf.length < start + IV + TAG)
		throw unreadable(place, "it is encrypted but cut short");
	const id = buf.subarray(2, start).toString("utf8");
	const key = keys.find((k) => k.id === id);
	if (key === undefined) {
		throw new CheckpointError(
			"DECRYPTION_FAILED",
			`${where} is encrypted with key "${id}", which this serializer does not have`,
			{
				hint: "pass that key too: createSerializer({ encryptionKey: [newKey, { id, key: oldKey }] })",
			},
		);
	}
	try {
		const decipher = process
			.getBuiltinModule("node:crypto")
			.createDecipheriv(
				"aes-256-gcm",
				key.key,
				buf.subarray(start, start + IV),
			);
		if (bound) decipher.setAAD(additionalData(buf.subarray(0, start), place));
		decipher.setAuthTag(buf.subarray(start + IV, start + IV + TAG));
		return Buffer.concat([
			decipher.update(buf.subarray(start + IV + TAG)),
			decipher.final(),
		]);
	} catch (cause) {
		// A key whose id is its own fingerprint is the key that wrote the blob: the bytes are at fault.
		if (key.derived)
			throw unreadable(
				place,
				`it does not decrypt with key "${id}", the key it was written with: it was changed, or copied from another thread or checkpoint`,
				cause,
			);
		throw new CheckpointError(
			"DECRYPTION_FAILED",
			`${where} could not be decrypted with key "${id}"`,
			{
				hint: "the key is wrong (another key under this id), the data was changed, or the blob was copied from another thread or checkpoint",
				cause,
			},
		);
	}
}

function refusedPlaintext(place: BlobPlace | undefined): CheckpointError {
	const where = place === undefined ? "stored data" : describePlace(place);
	return new CheckpointError(
		"DECRYPTION_FAILED",
		`${where} is not encrypted, and this serializer reads only encrypted data`,
		{
			hint: "if the store was written before encryption was turned on, read it with createSerializer({ encryptionKey, allowPlaintext: true }) while migrating",
		},
	);
}

function refusedUnbound(place: BlobPlace | undefined): CheckpointError {
	const where = place === undefined ? "stored data" : describePlace(place);
	return new CheckpointError(
		"DECRYPTION_FAILED",
		`${where} is encrypted without a binding to its place (written by Weft 0.1)`,
		{
			hint: "read it with createSerializer({ encryptionKey, legacyUnbound: true }) while migrating",
		},
	);
}

/** Whether stored bytes are encrypted (for tools that want to say so). */
export function isEncrypted(bytes: Uint8Array): boolean {
	return bytes[0] === ENCRYPTED || bytes[0] === ENCRYPTED_UNBOUND;
}
