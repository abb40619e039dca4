import {
	createCipheriv,
	createDecipheriv,
	createHash,
	randomBytes,
} from "node:crypto";
import { CheckpointError } from "./errors.ts";
import { JsonSerializer } from "./json-serializer.ts";
import type { Serializer } from "./serializer.ts";

/** A 32-byte key: bytes, or a string of 64 hex digits or 44 base64 characters. */
export type EncryptionKey = Uint8Array | string;

export interface SerializerOptions {
	/**
	 * Encrypts stored data with AES-256-GCM. Several keys rotate: the first encrypts, all decrypt
	 * (`{ id, key }` names a key; otherwise its id is derived from it).
	 */
	encryptionKey?:
		| EncryptionKey
		| ReadonlyArray<EncryptionKey | { id: string; key: EncryptionKey }>
		| undefined;
}

const ENCRYPTED = 0x65; // "e"

function toKey(key: EncryptionKey): Buffer {
	const bytes =
		typeof key !== "string"
			? Buffer.from(key)
			: /^[0-9a-f]{64}$/i.test(key)
				? Buffer.from(key, "hex")
				: Buffer.from(key, "base64");
	if (bytes.length !== 32) {
		throw new CheckpointError(
			"DECRYPTION_FAILED",
			`an encryption key must be 32 bytes, got ${bytes.length}`,
			{
				hint: "generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"",
			},
		);
	}
	return bytes;
}

/**
 * The default serializer (superjson, plain JSON fast path), optionally encrypting at rest.
 * @example
 * new SqliteCheckpointer({ path: "weft.db", serializer: createSerializer({ encryptionKey: process.env.WEFT_KEY }) });
 */
export function createSerializer(options: SerializerOptions = {}): Serializer {
	const inner = new JsonSerializer();
	if (options.encryptionKey === undefined) return inner;
	const list = Array.isArray(options.encryptionKey)
		? options.encryptionKey
		: [options.encryptionKey];
	const keys = list.map((k) => {
		const named =
			typeof k === "object" && !(k instanceof Uint8Array)
				? (k as { id: string; key: EncryptionKey })
				: undefined;
		const key = toKey(named?.key ?? (k as EncryptionKey));
		return {
			id:
				named?.id ?? createHash("sha256").update(key).digest("hex").slice(0, 8),
			key,
		};
	});
	if (keys.length === 0) return inner;
	return new EncryptedSerializer(inner, keys);
}

class EncryptedSerializer implements Serializer {
	readonly #inner: Serializer;
	readonly #keys: ReadonlyArray<{ id: string; key: Buffer }>;

	constructor(
		inner: Serializer,
		keys: ReadonlyArray<{ id: string; key: Buffer }>,
	) {
		this.#inner = inner;
		this.#keys = keys;
	}

	serialize(value: unknown): Uint8Array {
		const { id, key } = this.#keys[0]!;
		const iv = randomBytes(12);
		const cipher = createCipheriv("aes-256-gcm", key, iv);
		const body = Buffer.concat([
			cipher.update(this.#inner.serialize(value)),
			cipher.final(),
		]);
		const idBytes = Buffer.from(id, "utf8");
		return Buffer.concat([
			Buffer.from([ENCRYPTED, idBytes.length]),
			idBytes,
			iv,
			cipher.getAuthTag(),
			body,
		]);
	}

	deserialize(bytes: Uint8Array): unknown {
		if (bytes[0] !== ENCRYPTED) return this.#inner.deserialize(bytes); // written before encryption was on
		return this.#inner.deserialize(decrypt(bytes, this.#keys));
	}
}

/** Reads an encrypted blob; a missing or wrong key is an error, never garbage. */
function decrypt(
	bytes: Uint8Array,
	keys: ReadonlyArray<{ id: string; key: Buffer }>,
): Uint8Array {
	const buf = Buffer.from(bytes);
	const idLength = buf[1] ?? 0;
	const id = buf.subarray(2, 2 + idLength).toString("utf8");
	const key = keys.find((k) => k.id === id);
	if (key === undefined) {
		throw new CheckpointError(
			"DECRYPTION_FAILED",
			`stored data is encrypted with key "${id}", which this serializer does not have`,
			{
				hint: "pass that key too: createSerializer({ encryptionKey: [newKey, { id, key: oldKey }] })",
			},
		);
	}
	const start = 2 + idLength;
	try {
		const decipher = createDecipheriv(
			"aes-256-gcm",
			key.key,
			buf.subarray(start, start + 12),
		);
		decipher.setAuthTag(buf.subarray(start + 12, start + 28));
		return Buffer.concat([
			decipher.update(buf.subarray(start + 28)),
			decipher.final(),
		]);
	} catch (cause) {
		throw new CheckpointError(
			"DECRYPTION_FAILED",
			`stored data could not be decrypted with key "${id}"`,
			{
				hint: "the key is wrong or the data was tampered with",
				cause,
			},
		);
	}
}

/** Whether stored bytes are encrypted (for tools that want to say so). */
export function isEncrypted(bytes: Uint8Array): boolean {
	return bytes[0] === ENCRYPTED;
}
