import { createCipheriv, randomBytes } from "node:crypto";
import {
	type BlobPlace,
	createSerializer,
	isEncrypted,
	isWeftError,
	JsonSerializer,
	type SerializerOptions,
} from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

const key = randomBytes(32).toString("hex");
const other = randomBytes(32).toString("base64");
const here: BlobPlace = { threadId: "t1", ns: "", checkpointId: "c1" };

/** The error a call throws (fails the test if it returns). */
function thrown(call: () => unknown): {
	code: string;
	message: string;
	hint?: string;
} {
	try {
		call();
	} catch (error) {
		expect(isWeftError(error)).toBe(true);
		return error as { code: string; message: string; hint?: string };
	}
	throw new Error("expected an error");
}

describe("encryption at rest", () => {
	it("encrypts with AES-256-GCM and reads back at the same place; plaintext is not in the blob", () => {
		const s = createSerializer({ encryptionKey: key });
		const blob = s.serialize(
			{ secret: "the launch code", when: new Date(1) },
			here,
		);
		expect(isEncrypted(blob)).toBe(true);
		expect(Buffer.from(blob).toString("latin1")).not.toContain("launch");
		expect(s.deserialize(blob, { ...here })).toEqual({
			secret: "the launch code",
			when: new Date(1),
		});
		// without a place, a blob is bound to "no place"
		expect(s.deserialize(s.serialize([1]))).toEqual([1]);
	});

	it("rotates: the first key writes, every listed key reads", () => {
		const old = createSerializer({ encryptionKey: other });
		const blob = old.serialize({ v: 1 }, here);
		const rotated = createSerializer({ encryptionKey: [key, other] });
		expect(rotated.deserialize(blob, here)).toEqual({ v: 1 });
		expect(
			createSerializer({ encryptionKey: key }).deserialize(
				rotated.serialize({ v: 2 }, here),
				here,
			),
		).toEqual({ v: 2 });
		const named = createSerializer({
			encryptionKey: [
				{ id: "2026-02", key },
				{ id: "2026-01", key: other },
			],
		});
		expect(keyIdOf(named.serialize(1, here))).toBe("2026-02");
		const january = createSerializer({
			encryptionKey: [{ id: "2026-01", key: other }],
		}).serialize({ v: 3 }, here);
		expect(named.deserialize(january, here)).toEqual({ v: 3 });
	});

	it("binds each blob to its thread, namespace and checkpoint: a copied blob is unreadable data", () => {
		const s = createSerializer({ encryptionKey: key });
		const blob = s.serialize({ approved: true }, here);
		const elsewhere: Array<BlobPlace | undefined> = [
			{ ...here, threadId: "t2" },
			{ ...here, ns: "sub" },
			{ ...here, checkpointId: "c2" },
			// the fields are kept apart: moving text between them is another place
			{ threadId: "t", ns: "1", checkpointId: "c1" },
			undefined,
		];
		for (const place of elsewhere) {
			const error = thrown(() => s.deserialize(blob, place));
			// the key is the one that wrote it (its id is derived from it), so the bytes are at fault
			expect(error.code).toBe(
				place === undefined ? "DESERIALIZATION_FAILED" : "CORRUPT_CHECKPOINT",
			);
			if (place !== undefined) {
				expect(error.message).toContain(`"${place.threadId}"`);
				expect(error.message).toContain(`"${place.checkpointId}"`);
			}
			expect(error.message).toMatch(/copied from another thread/);
		}
	});

	it("names changed bytes CORRUPT_CHECKPOINT when the key is certainly right, DECRYPTION_FAILED when it may be wrong", () => {
		const s = createSerializer({ encryptionKey: key });
		const blob = s.serialize({ v: 1 }, here);
		const changed = Uint8Array.from(blob);
		changed[changed.length - 1]! ^= 0x40;
		const error = thrown(() => s.deserialize(changed, here));
		expect(error.code).toBe("CORRUPT_CHECKPOINT");
		expect(error.message).toMatch(/checkpoint "c1" of thread "t1"/);
		expect(error.message).toMatch(/it was changed/);
		expect(error.hint).toMatch(/fork from one that reads/);
		// cut short is damage too
		expect(thrown(() => s.deserialize(blob.subarray(0, 20), here)).code).toBe(
			"CORRUPT_CHECKPOINT",
		);
		// a wrong key alone has another derived id: the key is at fault
		const wrong = thrown(() =>
			createSerializer({ encryptionKey: other }).deserialize(blob, here),
		);
		expect(wrong.code).toBe("DECRYPTION_FAILED");
		// a named key may hold other bytes than the key that wrote under that name
		const named = createSerializer({
			encryptionKey: [{ id: "k", key }],
		}).serialize({ v: 2 }, here);
		const misnamed = thrown(() =>
			createSerializer({
				encryptionKey: [{ id: "k", key: other }],
			}).deserialize(named, here),
		);
		expect(misnamed.code).toBe("DECRYPTION_FAILED");
		expect(misnamed.hint).toMatch(/key is wrong/);
	});

	it("fails clearly with a wrong or missing key, and on tampering; never returns garbage", () => {
		const blob = createSerializer({ encryptionKey: key }).serialize(
			{ v: 1 },
			here,
		);
		// the same key id with another key: authentication fails
		const wrong = createSerializer({
			encryptionKey: [{ id: keyIdOf(blob), key: other }],
		});
		for (const reader of [
			createSerializer({ encryptionKey: other }),
			wrong,
			new JsonSerializer(),
		]) {
			expect(thrown(() => reader.deserialize(blob, here)).code).toBe(
				"DECRYPTION_FAILED",
			);
		}
		const s = createSerializer({ encryptionKey: key });
		for (let i = 0; i < blob.length; i++) {
			const tampered = Uint8Array.from(blob);
			tampered[i]! ^= 1;
			expect(thrown(() => s.deserialize(tampered, here)).code).toMatch(
				/DECRYPTION_FAILED|DESERIALIZATION_FAILED|CORRUPT_CHECKPOINT/,
			);
		}
		for (let n = 0; n < blob.length; n++) {
			expect(() => s.deserialize(blob.subarray(0, n), here)).toThrow(
				expect.objectContaining({ code: expect.any(String) }),
			);
		}
	});

	it("refuses plaintext blobs unless migrating with allowPlaintext; writes stay encrypted", () => {
		const plain = new JsonSerializer().serialize({ v: "old" });
		const strict = createSerializer({ encryptionKey: key });
		const error = thrown(() => strict.deserialize(plain, here));
		expect(error.code).toBe("DECRYPTION_FAILED");
		expect(error.message).toMatch(
			/checkpoint "c1" of thread "t1" is not encrypted/,
		);
		expect(error.hint).toMatch(/allowPlaintext: true/);
		// bytes that are neither encrypted nor a plaintext blob are damage
		expect(
			thrown(() => strict.deserialize(Uint8Array.of(0x7a, 1, 2), here)).code,
		).toBe("CORRUPT_CHECKPOINT");
		const migrating = createSerializer({
			encryptionKey: key,
			allowPlaintext: true,
		});
		expect(migrating.deserialize(plain, here)).toEqual({ v: "old" });
		expect(isEncrypted(migrating.serialize({ v: "new" }, here))).toBe(true);
		// plaintext messages in either JSON format (inline "m" since decision 0276, tagged "t" before)
		for (const text of [
			'm{"m":{"\\u0000lc":"HumanMessage","content":"old"}}',
			't{"m":{"\\u0000weft":"langchain.message","v":{"class":"HumanMessage","data":{"content":"old"}}}}',
		]) {
			const blob = new TextEncoder().encode(text);
			expect(thrown(() => strict.deserialize(blob, here)).code).toBe(
				"DECRYPTION_FAILED",
			);
			const read = migrating.deserialize(blob, here) as {
				m: { content: unknown; constructor: { name: string } };
			};
			expect(read.m.constructor.name).toBe("HumanMessage");
			expect(read.m.content).toBe("old");
		}
	});

	it("reads blobs of the previous version (no place binding) only with legacyUnbound", () => {
		const legacy = legacyBlob(
			key,
			new JsonSerializer().serialize({ v: "0.1" }),
		);
		const error = thrown(() =>
			createSerializer({ encryptionKey: key }).deserialize(legacy, here),
		);
		expect(error.code).toBe("DECRYPTION_FAILED");
		expect(error.hint).toMatch(/legacyUnbound: true/);
		const migrating = createSerializer({
			encryptionKey: key,
			legacyUnbound: true,
		});
		expect(migrating.deserialize(legacy, here)).toEqual({ v: "0.1" });
		expect(migrating.deserialize(legacy, { ...here, threadId: "any" })).toEqual(
			{ v: "0.1" },
		);
		// new blobs are bound even so
		const fresh = migrating.serialize(1, here);
		expect(() =>
			migrating.deserialize(fresh, { ...here, threadId: "t2" }),
		).toThrow(expect.objectContaining({ code: "CORRUPT_CHECKPOINT" }));
	});
});

describe("encryption fails closed", () => {
	it("refuses a key option that is present but empty, and keys that are not 32 bytes", () => {
		const cases: Array<[SerializerOptions, RegExp]> = [
			[{ encryptionKey: undefined }, /WEFT_KEY\) set/],
			[
				{ encryptionKey: process.env.WEFT_SURELY_UNSET_VARIABLE },
				/WEFT_KEY\) set/,
			],
			[{ encryptionKey: "" }, /WEFT_KEY\) set/],
			[{ encryptionKey: [] }, /at least one key/],
			[{ encryptionKey: [key, ""] }, /set\?/],
			[{ encryptionKey: null as never }, /WEFT_KEY\) set/],
			[{ encryptionKey: "too short" }, /randomBytes\(32\)/],
			[{ encryptionKey: randomBytes(16) }, /randomBytes\(32\)/],
			[{ encryptionKey: "ab".repeat(33) }, /randomBytes\(32\)/],
			[{ encryptionKey: 42 as never }, /randomBytes\(32\)/],
			[{ encryptionKey: [{ id: "", key }] }, /\{ id: "2026-01"/],
			[
				{
					encryptionKey: [
						{ id: "k", key },
						{ id: "k", key: other },
					],
				},
				/own id/,
			],
			[{ allowPlaintext: true }, /pass encryptionKey too/],
			[{ legacyUnbound: true }, /pass encryptionKey too/],
			[{ unknownTypes: "maybe" as never }, /"tag"/],
		];
		for (const [options, hint] of cases) {
			const error = thrown(() => createSerializer(options));
			expect(error.code, JSON.stringify(options)).toBe("CONFIG_INVALID");
			expect(error.hint).toMatch(hint);
		}
	});

	it("takes keys as hex, base64, base64url and bytes", () => {
		const bytes = randomBytes(32);
		const blob = createSerializer({ encryptionKey: bytes }).serialize(
			"x",
			here,
		);
		for (const form of [
			bytes.toString("hex"),
			bytes.toString("hex").toUpperCase(),
			bytes.toString("base64"),
			bytes.toString("base64url"),
			new Uint8Array(bytes),
		]) {
			expect(
				createSerializer({ encryptionKey: form }).deserialize(blob, here),
			).toBe("x");
		}
	});

	it("stays unencrypted only when the option is absent", () => {
		const s = createSerializer({});
		expect(isEncrypted(s.serialize({ v: 1 }, here))).toBe(false);
		expect(s).toBeInstanceOf(JsonSerializer);
	});
});

/** A blob as Weft 0.1 wrote it: "e", key id, iv, tag, AES-256-GCM without additional data. */
function legacyBlob(hexKey: string, plain: Uint8Array): Uint8Array {
	const keyBytes = Buffer.from(hexKey, "hex");
	const id = keyIdOf(
		createSerializer({ encryptionKey: hexKey }).serialize(0, here),
	);
	const iv = randomBytes(12);
	const cipher = createCipheriv("aes-256-gcm", keyBytes, iv);
	const body = Buffer.concat([cipher.update(plain), cipher.final()]);
	return Buffer.concat([
		Buffer.from([0x65, id.length]),
		Buffer.from(id),
		iv,
		cipher.getAuthTag(),
		body,
	]);
}

/** The key id stored in an encrypted blob (after the tag and its length byte). */
function keyIdOf(blob: Uint8Array): string {
	return Buffer.from(blob.subarray(2, 2 + blob[1]!)).toString("utf8");
}
