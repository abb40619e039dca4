import { ConfigError } from "./errors.ts";

/** A 32-byte key: bytes, or a string of 64 hex digits or base64 (or base64url) of 32 bytes. */
export type EncryptionKey = Uint8Array | string;

/** What `createSerializer({ encryptionKey })` takes: a key, or a list of keys (the first writes). */
export type EncryptionKeyOption =
	| EncryptionKey
	| ReadonlyArray<EncryptionKey | { id: string; key: EncryptionKey }>;

export interface NamedKey {
	id: string;
	key: Buffer;
	/** The id is the key's own fingerprint: a blob under this id was written with these very bytes. */
	derived: boolean;
}

const GENERATE =
	"generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"";

function invalid(message: string, hint: string): ConfigError {
	return new ConfigError("CONFIG_INVALID", message, { hint });
}

/**
 * The keys of an `encryptionKey` option that is present, checked: a present but empty option
 * (undefined, "", []) is an error, never "no encryption" (the usual cause is an unset variable).
 */
export function parseKeys(option: unknown): NamedKey[] {
	if (option === undefined || option === null || option === "") {
		throw invalid(
			`encryptionKey is present but ${option === "" ? "empty" : String(option)}`,
			"is the environment variable that holds the key (e.g. WEFT_KEY) set? To store without encryption, leave encryptionKey out",
		);
	}
	const list = Array.isArray(option) ? option : [option];
	if (list.length === 0) {
		throw invalid(
			"encryptionKey is an empty list",
			"list at least one key (the first writes, all read), or leave encryptionKey out to store without encryption",
		);
	}
	const keys = list.map((entry, i) =>
		namedKey(entry, list.length === 1 ? "" : ` #${i + 1}`),
	);
	const byId = new Map<string, Buffer>();
	for (const { id, key } of keys) {
		const other = byId.get(id);
		if (other !== undefined && !other.equals(key))
			throw invalid(
				`two encryption keys have the id "${id}"`,
				"give each key its own id",
			);
		byId.set(id, key);
	}
	return keys;
}

function namedKey(entry: unknown, which: string): NamedKey {
	const named =
		typeof entry === "object" &&
		entry !== null &&
		!(entry instanceof Uint8Array)
			? (entry as { id?: unknown; key?: unknown })
			: undefined;
	const key = toKey(named === undefined ? entry : named.key, which);
	if (named === undefined)
		return {
			id: process
				.getBuiltinModule("node:crypto")
				.createHash("sha256")
				.update(key)
				.digest("hex")
				.slice(0, 8),
			key,
			derived: true,
		};
	const { id } = named;
	if (typeof id !== "string" || id === "" || Buffer.byteLength(id) > 255)
		throw invalid(
			`encryption key${which} needs an id of 1 to 255 bytes`,
			'name it { id: "2026-01", key }, or pass the key alone',
		);
	return { id, key, derived: false };
}

function toKey(key: unknown, which: string): Buffer {
	if (key === undefined || key === null || key === "") {
		throw invalid(
			`encryption key${which} is ${key === "" ? "empty" : String(key)}`,
			"is the environment variable that holds it set?",
		);
	}
	let bytes: Buffer | undefined;
	if (key instanceof Uint8Array) bytes = Buffer.from(key);
	else if (typeof key === "string") {
		if (/^[0-9a-f]{64}$/i.test(key)) bytes = Buffer.from(key, "hex");
		else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(key))
			bytes = Buffer.from(key, "base64");
		else
			throw invalid(
				`encryption key${which} is neither 64 hex digits nor base64 of 32 bytes (a string of ${key.length} characters)`,
				GENERATE,
			);
	} else {
		throw invalid(
			`encryption key${which} is a ${typeof key}, not a string or bytes`,
			GENERATE,
		);
	}
	if (bytes.length !== 32)
		throw invalid(
			`an encryption key must be 32 bytes, key${which} has ${bytes.length}`,
			GENERATE,
		);
	return bytes;
}
