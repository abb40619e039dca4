// Fuzz: random bytes, random JSON shapes and mutated real blobs give a value or a typed error, nothing else.
import "@weft/checkpoint/langchain";
import { AIMessage } from "@langchain/core/messages";
import {
	type BlobPlace,
	createSerializer,
	isTaggedValue,
	isWeftError,
	JsonSerializer,
	type Serializer,
} from "@weft/checkpoint";
import { richValues } from "@weft/checkpoint/conformance";
import { describe, expect, it } from "vitest";

const here: BlobPlace = { threadId: "t1", ns: "", checkpointId: "c1" };
const TYPED = new Set([
	"CORRUPT_CHECKPOINT",
	"DESERIALIZATION_FAILED",
	"DECRYPTION_FAILED",
]);

/** mulberry32: the same cases on every run. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const readers: Array<[string, Serializer]> = [
	["strict", new JsonSerializer()],
	["tag", createSerializer({ unknownTypes: "tag" })],
	[
		"encrypted",
		createSerializer({
			encryptionKey: "cd".repeat(32),
			allowPlaintext: true,
			legacyUnbound: true,
		}),
	],
];

/** Reads `blob` with every reader, with and without a place; returns how many reads were refused. */
function readAll(blob: Uint8Array): number {
	let refused = 0;
	for (const [name, reader] of readers) {
		for (const place of [here, undefined]) {
			let out: unknown;
			try {
				out = reader.deserialize(blob, place);
			} catch (error) {
				if (!isWeftError(error) || !TYPED.has(error.code))
					throw new Error(
						`${name} threw ${String(error)} for ${Buffer.from(blob).toString("latin1").slice(0, 120)}`,
					);
				refused++;
				continue;
			}
			expectAllowed(out, 0);
		}
	}
	expect(Object.prototype).not.toHaveProperty("polluted");
	return refused;
}

/** Everything read is one of the allowed types, never an Error, URL, function or foreign class. */
function expectAllowed(value: unknown, depth: number): void {
	if (typeof value === "function" || typeof value === "symbol")
		throw new Error(`read a ${typeof value}`);
	if (typeof value !== "object" || value === null) return;
	expect(depth).toBeLessThan(2100);
	if (
		value instanceof Date ||
		value instanceof RegExp ||
		ArrayBuffer.isView(value)
	)
		return;
	if (
		value instanceof AIMessage ||
		isTaggedValue(value) ||
		value.constructor?.name?.endsWith("Message")
	)
		return;
	if (value instanceof Map) {
		for (const [k, v] of value) {
			expectAllowed(k, depth + 1);
			expectAllowed(v, depth + 1);
		}
		return;
	}
	if (value instanceof Set) {
		for (const v of value) expectAllowed(v, depth + 1);
		return;
	}
	const proto = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== Array.prototype)
		throw new Error(`read an instance of ${proto?.constructor?.name}`);
	for (const v of Object.values(value)) expectAllowed(v, depth + 1);
}

const WORDS = [
	"__proto__",
	"constructor",
	"prototype",
	"\u0000weft",
	"\u0000lc",
	"v",
	"json",
	"meta",
	"values",
	"referentialEqualities",
	"a",
	"a.b",
	"0",
	"1",
	"class",
	"data",
	"content",
];
const ANNOTATIONS: unknown[] = [
	"undefined",
	"bigint",
	"Date",
	"regexp",
	"set",
	"map",
	"number",
	"Error",
	"URL",
	["class", "X"],
	["symbol", "s"],
	["custom", "weft:langchain.message"],
	["custom", "weft:nope"],
	["typed-array", "Uint8Array"],
	["typed-array", "X"],
	[],
	[1, 2, 3],
];

function shape(r: () => number, depth: number): unknown {
	const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
	const roll = r();
	if (depth > 5 || roll < 0.3)
		return pick<unknown>([
			0,
			-1,
			1.5,
			"",
			"x",
			"2",
			"1970-01-01T00:00:00.000Z",
			"/a+/g",
			true,
			null,
			"NaN",
		]);
	if (roll < 0.4) return pick(ANNOTATIONS);
	if (roll < 0.6)
		return Array.from({ length: Math.floor(r() * 4) }, () =>
			shape(r, depth + 1),
		);
	const out: Record<string, unknown> = {};
	for (let i = Math.floor(r() * 4); i > 0; i--)
		Object.defineProperty(out, pick(WORDS), {
			value: shape(r, depth + 1),
			enumerable: true,
			writable: true,
			configurable: true,
		});
	return out;
}

describe("fuzzing the reader", () => {
	it("reads 1,500 random byte strings as values or typed errors", () => {
		const r = random(1);
		const tags = [0x6a, 0x74, 0x6d, 0x73, 0x65, 0x45];
		let refused = 0;
		for (let i = 0; i < 1500; i++) {
			const length = Math.floor(r() * 80);
			const blob = new Uint8Array(length);
			for (let j = 0; j < length; j++)
				blob[j] = r() < 0.7 ? 32 + Math.floor(r() * 95) : Math.floor(r() * 256);
			if (length > 0 && r() < 0.8)
				blob[0] = tags[Math.floor(r() * tags.length)]!;
			refused += readAll(blob);
		}
		expect(refused).toBeGreaterThan(1500 * 3);
	});

	it("reads 1,500 random JSON shapes in every format as values or typed errors", () => {
		const r = random(2);
		let reads = 0;
		for (let i = 0; i < 1500; i++) {
			const text = JSON.stringify(shape(r, 0));
			const wrapped =
				r() < 0.5
					? text
					: JSON.stringify({
							json: shape(r, 1),
							meta: { values: shape(r, 1), v: 1 },
						});
			for (const tag of "jtms") {
				readAll(new TextEncoder().encode(tag + wrapped));
				reads += readers.length * 2;
			}
		}
		expect(reads).toBe(1500 * 4 * 6);
	});

	it("reads 1,200 mutations of real blobs (flipped, cut, spliced bytes) as values or typed errors", () => {
		const r = random(3);
		const values = [
			{ a: 1, b: ["x", null] },
			{ m: [new AIMessage({ content: "hi", id: "a1" })] },
			richValues(),
			{ m: new AIMessage("x"), at: new Date(0) },
		];
		const writers = [new JsonSerializer(), readers[2]![1]];
		const blobs = values.flatMap((v) =>
			writers.map((w) => w.serialize(v, here)),
		);
		for (let i = 0; i < 1200; i++) {
			const source = blobs[i % blobs.length]!;
			const blob = Uint8Array.from(source);
			const kind = r();
			if (kind < 0.5)
				for (let k = 1 + Math.floor(r() * 3); k > 0; k--)
					blob[Math.floor(r() * blob.length)] = Math.floor(r() * 256);
			const mutated =
				kind < 0.5
					? blob
					: kind < 0.75
						? blob.subarray(0, Math.floor(r() * blob.length))
						: Buffer.concat([
								blob.subarray(0, Math.floor(r() * blob.length)),
								blob.subarray(Math.floor(r() * blob.length)),
							]);
			readAll(mutated);
		}
	});
});
