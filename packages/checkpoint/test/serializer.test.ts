import "@weft/checkpoint/langchain";
import {
	AIMessage,
	AIMessageChunk,
	HumanMessage,
	RemoveMessage,
	SystemMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { isWeftError, JsonSerializer } from "@weft/checkpoint";
import { richValues } from "@weft/checkpoint/conformance";
import { describe, expect, it } from "vitest";

const roundTrip = (value: unknown, s = new JsonSerializer()) =>
	s.deserialize(s.serialize(value));

describe("the serializer", () => {
	it("round-trips every supported type exactly", () => {
		const values = richValues();
		expect(roundTrip(values)).toEqual(values);
		const out = roundTrip(values) as Record<string, unknown>;
		expect(out.date).toBeInstanceOf(Date);
		expect(out.map).toBeInstanceOf(Map);
		expect(out.bytes).toBeInstanceOf(Uint8Array);
		expect(typeof out.big).toBe("bigint");
		expect("absent" in out && out.absent === undefined).toBe(true);
	});

	it("takes a plain-JSON fast path and keeps keys named like prototypes harmless there", () => {
		const s = new JsonSerializer();
		const plain = JSON.parse(
			'{"a": [1, {"constructor": {"prototype": {"x": 1}}}], "b": "c"}',
		);
		expect(s.serialize(plain)[0]).toBe(0x6a);
		expect(roundTrip(plain)).toEqual(plain);
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});

	it("keeps -0 and an invalid Date, alone or among other values, where JSON would write 0 and null", () => {
		for (const value of [
			{ zero: -0 },
			[-0, 1],
			{ when: new Date(Number.NaN) },
			{ when: new Date(Number.NaN), at: new Date(0), big: 1n },
			{ nested: { list: [new Date("not a date"), -0] } },
		]) {
			const out = roundTrip(value);
			expect(out).toStrictEqual(value);
		}
		const out = roundTrip({ zero: -0, when: new Date(Number.NaN) }) as {
			zero: number;
			when: Date;
		};
		expect(Object.is(out.zero, -0)).toBe(true);
		expect(out.when).toBeInstanceOf(Date);
		expect(Number.isNaN(out.when.getTime())).toBe(true);
	});

	it("refuses what would not come back as it went in, naming the path", () => {
		class Money {
			constructor(readonly cents: number) {}
		}
		const cases: Array<[unknown, RegExp]> = [
			[{ price: new Money(5) }, /class Money at \$\.price/],
			[{ fn: () => 1 }, /function at \$\.fn/],
			[{ list: [Symbol("x")] }, /symbol at \$\.list\[0\]/],
			[JSON.parse('{"__proto__": {"polluted": true}}'), /__proto__/],
		];
		for (const [value, message] of cases) {
			let error: unknown;
			try {
				new JsonSerializer().serialize(value);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "SERIALIZATION_FAILED")).toBe(true);
			expect((error as Error).message).toMatch(message);
		}
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(() => new JsonSerializer().serialize(cyclic)).toThrow(
			expect.objectContaining({ code: "SERIALIZATION_FAILED" }),
		);
	});

	it("never instantiates or pollutes from crafted stored bytes", () => {
		const s = new JsonSerializer();
		const crafted = [
			's{"json":{"a":1},"meta":{"values":{"__proto__.polluted":["undefined"]}}}',
			's{"json":{"constructor":{"prototype":{"polluted":true}}},"meta":{"values":{"constructor.prototype.polluted":["undefined"]}}}',
			's{"json":{"x":{}},"meta":{"values":{"x":[["class","Function"]]}}}',
			"s{not json",
			't{"__proto__":{"polluted":true}}',
			't{"a":{"\\u0000weft":"no.such.type","v":1}}',
			't{"a":{"\\u0000weft":"langchain.message","v":{"class":"Function","data":{}}}}',
			'm{"__proto__":{"polluted":true}}',
			'm{"a":{"\\u0000lc":"Function","prototype":{"polluted":true}}}',
			'm{"a":{"\\u0000lc":"AIMessage","__proto__":{"polluted":true}}}',
			"zwhat",
		];
		for (const text of crafted) {
			let failed = false;
			try {
				s.deserialize(new TextEncoder().encode(text));
			} catch (error) {
				failed = true;
				expect(isWeftError(error, "DESERIALIZATION_FAILED")).toBe(true);
			}
			// tagged JSON never holds these: refused, not half-read
			if (text.startsWith("t") || text.startsWith("m"))
				expect(failed).toBe(true);
		}
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty("polluted");
	});

	it("round-trips @langchain/core messages exactly, class and all", () => {
		const messages = [
			new HumanMessage({ content: "hi", id: "h1", name: "ann" }),
			new AIMessage({
				content: "calling",
				id: "a1",
				tool_calls: [
					{ id: "c1", name: "search", args: { q: "weft" }, type: "tool_call" },
				],
				usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
				response_metadata: { model: "m" },
				additional_kwargs: { extra: 1 },
			} as ConstructorParameters<typeof AIMessage>[0] & object),
			new ToolMessage({
				content: "found",
				tool_call_id: "c1",
				status: "error",
				id: "t1",
				name: "search",
			}),
			new SystemMessage({ content: [{ type: "text", text: "be brief" }] }),
			new AIMessageChunk({ content: "par", id: "k1" }),
			new RemoveMessage({ id: "h1" }),
		];
		const out = roundTrip({ messages, at: new Date(0) }) as {
			messages: typeof messages;
		};
		out.messages.forEach((m, i) => {
			expect(m.constructor).toBe(messages[i]!.constructor);
			expect(m.toDict()).toEqual(messages[i]!.toDict());
		});
		expect((out.messages[1] as AIMessage).tool_calls?.[0]?.args).toEqual({
			q: "weft",
		});
		expect((out.messages[2] as ToolMessage).status).toBe("error");

		// without other rich values, messages take the JSON path, inline (decision 0276): same result, no superjson
		const s = new JsonSerializer();
		const bytes = s.serialize({ messages });
		expect(bytes[0]).toBe(0x6d);
		const text = new TextDecoder().decode(bytes.subarray(1));
		expect(text).toContain(
			'{"\\u0000lc":"HumanMessage","content":"hi","id":"h1","name":"ann"}',
		);
		const tagged = s.deserialize(bytes) as { messages: typeof messages };
		tagged.messages.forEach((m, i) => {
			expect(m.constructor).toBe(messages[i]!.constructor);
			expect(m.toDict()).toEqual(messages[i]!.toDict());
		});
	});

	it("keeps user data that looks like an inline message as data, in both JSON formats (decision 0276)", () => {
		const s = new JsonSerializer();
		const value = {
			look: { "\u0000lc": "HumanMessage", content: "not a message" },
			real: new HumanMessage({ content: "a real one", id: "r1" }),
		};
		const blob = s.serialize(value);
		expect(blob[0]).toBe(0x73); // the mark in user data sends it the superjson way
		const out = s.deserialize(blob) as typeof value;
		expect(out.look).toEqual(value.look);
		expect(out.real).toBeInstanceOf(HumanMessage);
		// the "t" format, written before 0276, holds the mark as data
		const old = s.deserialize(
			new TextEncoder().encode(
				't{"look":{"\\u0000lc":"HumanMessage","content":"data"}}',
			),
		);
		expect(old).toEqual({
			look: { "\u0000lc": "HumanMessage", content: "data" },
		});
		// a message with a field named like either mark, or with such a key deeper in its fields, goes the
		// superjson way too, and reads back the same
		for (const mark of ["\u0000lc", "\u0000weft"]) {
			for (const odd of [
				new AIMessage({
					content: "odd",
					id: "o1",
					[mark]: 1,
				} as ConstructorParameters<typeof AIMessage>[0] & object),
				new AIMessage({
					content: "odd",
					id: "o2",
					additional_kwargs: { inner: { [mark]: "HumanMessage", v: 1 } },
				}),
			]) {
				const oddBlob = s.serialize({ odd });
				expect(oddBlob[0]).toBe(0x73);
				const back = (s.deserialize(oddBlob) as { odd: AIMessage }).odd;
				expect(back).toBeInstanceOf(AIMessage);
				expect(back.toDict()).toEqual(odd.toDict());
			}
		}
	});

	it("keeps user data that looks like a tagged value as data", () => {
		const value = {
			"\u0000weft": "langchain.message",
			v: { class: "HumanMessage", data: { content: "not a message" } },
			real: new HumanMessage("a real one"),
		};
		const out = roundTrip(value) as typeof value;
		expect(out["\u0000weft"]).toBe("langchain.message");
		expect(out.v).toEqual(value.v);
		expect(out.real).toBeInstanceOf(HumanMessage);
	});

	it("keeps each blob's bytes its own when small blobs share a buffer, and shares a message's unchanged fields without changing what is stored", () => {
		const s = new JsonSerializer();
		const calls = [{ id: "c1", name: "search", args: { q: "weft" } }];
		const values = Array.from({ length: 200 }, (_, i) => ({
			i,
			text: "x".repeat(i * 13),
			m: new AIMessage({
				content: `answer ${i}`,
				id: `a${i}`,
				tool_calls: calls,
			}),
			plain: { list: [1, "two", { three: 3 }] },
		}));
		const before = JSON.stringify(values.map((v) => v.m.toDict()));
		const blobs = values.map((v) => s.serialize(v));
		// later blobs (the same pool and past it) left the earlier ones as they were
		blobs.forEach((b, i) => {
			const out = s.deserialize(b) as (typeof values)[number];
			expect(out.i).toBe(i);
			expect(out.text).toBe(values[i]!.text);
			expect(out.m).toBeInstanceOf(AIMessage);
			expect(out.m.tool_calls?.[0]?.args).toEqual({ q: "weft" });
			expect(out.plain).toEqual(values[i]!.plain);
			expect(new TextDecoder().decode(b.subarray(1))).toBe(
				JSON.stringify(JSON.parse(new TextDecoder().decode(b.subarray(1)))),
			);
		});
		expect(blobs[0]!.buffer).toBe(blobs[1]!.buffer);
		expect(blobs.at(-1)!.byteLength).toBeGreaterThan(2048);
		expect(blobs.at(-1)!.buffer.byteLength).toBe(blobs.at(-1)!.byteLength);
		// nothing the value holds was changed by serializing it
		expect(JSON.stringify(values.map((v) => v.m.toDict()))).toBe(before);
	});
});

describe("a serializer option that is not one", () => {
	it("is CONFIG_INVALID where the store is made, not a TypeError at its first write", async () => {
		const { MemoryCheckpointer } = await import("@weft/checkpoint");
		for (const serializer of [5, {}, { serialize: () => new Uint8Array() }]) {
			let error: unknown;
			try {
				new MemoryCheckpointer({ serializer } as never);
			} catch (e) {
				error = e;
			}
			expect(error, JSON.stringify(serializer)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining("serializer"),
				hint: expect.stringContaining("createSerializer"),
			});
		}
	});
});
