// Reads are total: every stored byte string gives the value Weft wrote or a typed error naming the place.
import { type BlobPlace, isWeftError, JsonSerializer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

const here: BlobPlace = { threadId: "t1", ns: "", checkpointId: "c1" };
const bytes = (text: string) => new TextEncoder().encode(text);

/** The error reading `blob` throws (fails the test if it reads). */
function readError(
	blob: Uint8Array | string,
	place: BlobPlace | null = here,
	s = new JsonSerializer(),
): { code: string; message: string } {
	try {
		s.deserialize(
			typeof blob === "string" ? bytes(blob) : blob,
			place ?? undefined,
		);
	} catch (error) {
		if (!isWeftError(error)) throw error;
		return error;
	}
	throw new Error(`expected ${String(blob).slice(0, 80)} to be refused`);
}

/** JSON text nested `depth` levels deep, without recursion. */
const deepJson = (depth: number, open = "[", close = "]") =>
	open.repeat(depth) + close.repeat(depth);

describe("reading builds only the allow-list", () => {
	it("refuses superjson meta asking for Error, URL, classes, symbols or foreign custom types", () => {
		const annotations = [
			'["Error"]',
			'["URL"]',
			'[["class","Money"]]',
			'[["symbol","s"]]',
			'[["custom","other:thing"]]',
			'[["typed-array","DataView"]]',
			'["Function"]',
		];
		for (const a of annotations) {
			const blob = `s{"json":{"x":{"name":"Error","message":"m"}},"meta":{"values":{"x":${a}},"v":1}}`;
			const error = readError(blob);
			expect(error.code).toBe("CORRUPT_CHECKPOINT");
			expect(error.message).toMatch(
				/checkpoint "c1" of thread "t1" is corrupt: it asks to build/,
			);
			expect(readError(blob, null).code).toBe("DESERIALIZATION_FAILED");
		}
	});

	it("refuses cycles, and reads shared values (as the previous version wrote them) as copies", () => {
		for (const cyclic of [
			's{"json":{"a":{"self":null}},"meta":{"referentialEqualities":{"a":["a.self"]},"v":1}}',
			's{"json":{"self":null},"meta":{"referentialEqualities":[["self"]],"v":1}}',
		]) {
			expect(readError(cyclic).message).toMatch(/cyclic/);
		}
		const shared = bytes(
			's{"json":{"a":{"d":"1970-01-01T00:00:00.000Z"},"b":{"d":"1970-01-01T00:00:00.000Z"}},"meta":{"values":{"a.d":["Date"],"b.d":["Date"]},"referentialEqualities":{"a":["b"]},"v":1}}',
		);
		const out = new JsonSerializer().deserialize(shared, here) as Record<
			string,
			{ d: Date }
		>;
		expect(out.a).toEqual({ d: new Date(0) });
		expect(out.a).not.toBe(out.b);
		// new blobs do not record sharing at all
		const x = { d: new Date(0) };
		const text = new TextDecoder().decode(
			new JsonSerializer().serialize({ a: x, b: x }),
		);
		expect(text).not.toContain("referentialEqualities");
	});

	it("refuses a registered type this process does not know, naming it and the place", () => {
		for (const blob of [
			't{"a":{"\\u0000weft":"acme.money","v":1}}',
			's{"json":{"a":1},"meta":{"values":{"a":[["custom","weft:acme.money"]]},"v":1}}',
		]) {
			const error = readError(blob);
			expect(error.code).toBe("DESERIALIZATION_FAILED");
			expect(error.message).toMatch(
				/thread "t1".*"acme\.money", which is not registered/,
			);
		}
	});
});

describe("keys named __proto__ never change a prototype", () => {
	const payloads = [
		'j{"__proto__":{"polluted":true}}',
		'j{"a":[{"\\u005f_proto__":{"polluted":true}}]}',
		`j{"pad":"${"x".repeat(3000)}","deep":{"__proto__":{"polluted":true}}}`,
		't{"__proto__":{"polluted":true},"m":{"\\u0000weft":"x","v":1}}',
		's{"json":{"__proto__":{"polluted":true}},"meta":{"values":{"__proto__.polluted":["undefined"]},"v":1}}',
		's{"json":{"a":1},"meta":{"values":{"__proto__.polluted":["undefined"]},"v":1}}',
		's{"json":{"constructor":{"prototype":{"polluted":true}}},"meta":{"values":{"constructor.prototype.polluted":["undefined"]},"v":1}}',
	];
	it("refuses them in every format, with a typed error", () => {
		for (const blob of payloads)
			expect(readError(blob).code).toBe("CORRUPT_CHECKPOINT");
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty("polluted");
	});

	it("still reads __proto__ as a string value, and other prototype-like keys as data", () => {
		const s = new JsonSerializer();
		const value = {
			name: "__proto__",
			constructor: { prototype: 1 },
			text: "\u0001",
		};
		const out = s.deserialize(s.serialize(value), here) as typeof value;
		expect(out).toEqual(value);
		expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
	});
});

describe("depth is limited on write and on read", () => {
	it("writes a value 1,000 levels deep and reads it back, in every format", () => {
		const s = new JsonSerializer();
		for (const leaf of [1, new Date(0), { m: new Map([[1, 2]]) }]) {
			let value: unknown = leaf;
			for (let i = 0; i < 996; i++) value = [value];
			expect(s.deserialize(s.serialize(value), here)).toEqual(value);
		}
	});

	it("refuses a value nested 10^6 deep on write, and such stored JSON on read, without overflowing", () => {
		let deep: unknown = 1;
		for (let i = 0; i < 1_000_000; i++) deep = { a: deep };
		expect(() => new JsonSerializer().serialize(deep)).toThrow(
			expect.objectContaining({ code: "SERIALIZATION_FAILED" }),
		);
		const million = 1_000_000;
		for (const blob of [
			`j${deepJson(million)}`,
			`j${deepJson(100_000, '{"a":', "}").replace(/\{"a":\}/, '{"a":1}')}`,
			`t${deepJson(100_000)}`,
			`s{"json":${deepJson(million)}}`,
			`s{"json":1,"meta":{"values":${deepJson(100_000, '{"a":', "}").replace(/\{"a":\}/, '{"a":["Date"]}')}}}`,
			`j${deepJson(2001)}`,
		]) {
			const error = readError(blob);
			expect(error.code).toBe("CORRUPT_CHECKPOINT");
			expect(error.message).toMatch(/deeper than 2000 levels/);
		}
	});
});

describe("wrong-shaped blobs give typed errors", () => {
	it("refuses empty, non-byte, unknown-format, non-UTF-8, malformed and truncated blobs", () => {
		const s = new JsonSerializer();
		const cases: unknown[] = [
			new Uint8Array(0),
			"j{}",
			null,
			undefined,
			[0x6a, 0x7b],
			bytes("zwhat"),
			Uint8Array.of(0x6a, 0xff, 0xfe),
			bytes("j{not json"),
			bytes("s[]"),
			bytes("s1"),
			bytes('s{"meta":{}}'),
			bytes('s{"json":1,"meta":[]}'),
			bytes('s{"json":1,"meta":{"other":1}}'),
			bytes('s{"json":1,"meta":{"v":2}}'),
			bytes('s{"json":1,"meta":{"values":5}}'),
			bytes('s{"json":1,"meta":{"values":{"a":5}}}'),
			bytes('s{"json":1,"meta":{"values":{"a":[]}}}'),
			bytes('s{"json":{"a":"x"},"meta":{"values":{"a":["bigint"]}}}'),
			bytes('s{"json":{"a":5},"meta":{"values":{"a":["map"]}}}'),
			bytes('s{"json":{"a":"(("},"meta":{"values":{"a":["regexp"]}}}'),
			bytes('s{"json":{"a":1},"meta":{"referentialEqualities":{"a":[1]}}}'),
			bytes('t{"a":{"\\u0000weft":5,"v":1}}'),
			bytes('t{"a":{"\\u0000weft":"x","v":1,"extra":2}}'),
			bytes('t{"a":{"\\u0000weft":"x"}}'),
			bytes(
				't{"a":{"\\u0000weft":"langchain.message","v":{"class":"Function","data":{}}}}',
			),
			bytes('t{"a":{"\\u0000weft":"langchain.message","v":null}}'),
			bytes('m{"a":{"\\u0000lc":5}}'),
			bytes('m{"a":{"\\u0000lc":"Function"}}'),
			bytes('m{"a":{"\\u0000lc":"AIMessage","\\u0000weft":"x","v":1}}'),
			bytes('m{"a":{"\\u0000weft":"x","v":1,"extra":2}}'),
		];
		for (const blob of cases) {
			let error: unknown;
			try {
				s.deserialize(blob as Uint8Array, here);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error), String(blob)).toBe(true);
			expect((error as { message: string }).message).toContain('thread "t1"');
		}
		for (const value of [
			{ a: 1 },
			{ d: new Date(0), m: new Map([[1, new Set([2n])]]) },
			{ u: undefined },
		]) {
			const blob = s.serialize(value);
			for (let n = 0; n < blob.length; n++) {
				const cut = blob.subarray(0, n);
				let out: unknown;
				try {
					out = s.deserialize(cut, here);
				} catch (error) {
					expect(isWeftError(error)).toBe(true);
					continue;
				}
				// a cut that still parses (j1 of j12) is a value, never a half-built one
				expect(typeof out).not.toBe("object");
			}
		}
	});
});
