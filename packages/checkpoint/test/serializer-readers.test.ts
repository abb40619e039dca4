// A store reader (the CLI, a server) reads every type Weft writes without importing @weft/graph/llm or
// @weft/checkpoint/langchain: this file imports neither. Vitest runs each file in its own module graph.
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import {
	type BlobPlace,
	createSerializer,
	isTaggedValue,
	isWeftError,
	JsonSerializer,
	registerSerializableType,
	TaggedValue,
} from "@weft/checkpoint";
import { describe, expect, it } from "vitest";

const here: BlobPlace = { threadId: "t1", ns: "", checkpointId: "c1" };
const bytes = (text: string) => new TextEncoder().encode(text);
const MARK = "\u0000weft";

/** A stored message as Weft writes it in the tagged-JSON format. */
const storedMessage = (cls: string, data: Record<string, unknown>) => ({
	[MARK]: "langchain.message",
	v: { class: cls, data },
});
const money = (cents: number) => ({ [MARK]: "acme.money", v: { cents } });
const tagged = (value: unknown) => bytes(`t${JSON.stringify(value)}`);

describe("reading what Weft writes without the graph module", () => {
	it("rebuilds LangChain messages as real messages, loading @langchain/core on demand", () => {
		const blob = tagged({
			messages: [
				storedMessage("HumanMessage", { content: "hi", id: "h1" }),
				storedMessage("AIMessage", {
					content: "",
					id: "a1",
					tool_calls: [
						{ id: "c1", name: "search", args: { q: "x" }, type: "tool_call" },
					],
				}),
				storedMessage("ToolMessage", {
					content: "found",
					tool_call_id: "c1",
				}),
			],
		});
		const out = new JsonSerializer().deserialize(blob, here) as {
			messages: unknown[];
		};
		expect(out.messages[0]).toBeInstanceOf(HumanMessage);
		expect(out.messages[1]).toBeInstanceOf(AIMessage);
		expect((out.messages[1] as AIMessage).tool_calls?.[0]?.args).toEqual({
			q: "x",
		});
		expect(out.messages[2]).toBeInstanceOf(ToolMessage);

		// the superjson format too, and the loaded type writes as well as it reads
		const s = new JsonSerializer();
		const value = { at: new Date(0), m: [new AIMessage({ content: "ok" })] };
		const back = s.deserialize(s.serialize(value), here) as typeof value;
		expect(back.at).toEqual(new Date(0));
		expect(back.m[0]).toBeInstanceOf(AIMessage);
		expect(back.m[0]!.content).toBe("ok");
	});

	it("refuses unknown types by default, naming the type and how to read it", () => {
		for (const blob of [
			tagged({ price: money(5) }),
			bytes(
				's{"json":{"price":{"cents":5}},"meta":{"values":{"price":[["custom","weft:acme.money"]]},"v":1}}',
			),
		]) {
			let error: unknown;
			try {
				new JsonSerializer().deserialize(blob, here);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "DESERIALIZATION_FAILED")).toBe(true);
			expect((error as Error).message).toMatch(
				/thread "t1" holds a value of type "acme.money"/,
			);
			expect((error as { hint: string }).hint).toMatch(/unknownTypes: "tag"/);
		}
	});
});

describe('unknownTypes: "tag"', () => {
	const reader = createSerializer({ unknownTypes: "tag" });

	it("returns unknown registered types as { $type, value } and never throws for them", () => {
		const out = reader.deserialize(
			tagged({
				price: money(5),
				list: [money(1), { nested: money(2) }],
				future: storedMessage("FutureMessage", { content: "?" }),
			}),
			here,
		) as Record<string, unknown>;
		expect(isTaggedValue(out.price)).toBe(true);
		expect(out.price).toBeInstanceOf(TaggedValue);
		expect(out.price).toMatchObject({
			$type: "acme.money",
			value: { cents: 5 },
		});
		expect(JSON.parse(JSON.stringify(out))).toEqual({
			price: { $type: "acme.money", value: { cents: 5 } },
			list: [
				{ $type: "acme.money", value: { cents: 1 } },
				{ nested: { $type: "acme.money", value: { cents: 2 } } },
			],
			// a message class this @langchain/core does not have: tagged, not an error
			future: {
				$type: "langchain.message",
				value: { class: "FutureMessage", data: { content: "?" } },
			},
		});
		// the inline form (decision 0276) of a class this @langchain/core does not have: the same tagged value
		const inline = reader.deserialize(
			bytes(
				`m${JSON.stringify({ future: { "\u0000lc": "FutureMessage", content: "?" } })}`,
			),
			here,
		);
		expect(JSON.parse(JSON.stringify(inline))).toEqual({
			future: {
				$type: "langchain.message",
				value: { class: "FutureMessage", data: { content: "?" } },
			},
		});
		const rich = reader.deserialize(
			bytes(
				's{"json":{"p":{"cents":5},"d":"1970-01-01T00:00:00.000Z"},"meta":{"values":{"p":[["custom","weft:acme.money"]],"d":["Date"]},"v":1}}',
			),
			here,
		) as { p: TaggedValue; d: Date };
		expect(rich.p).toMatchObject({ $type: "acme.money", value: { cents: 5 } });
		expect(rich.d).toEqual(new Date(0));
	});

	it("still refuses damaged data", () => {
		for (const text of [
			"j{",
			's{"json":{"e":{}},"meta":{"values":{"e":["Error"]},"v":1}}',
			't{"__proto__":{}}',
		]) {
			expect(() => reader.deserialize(bytes(text), here)).toThrow(
				expect.objectContaining({ code: "CORRUPT_CHECKPOINT" }),
			);
		}
	});

	it("writes tagged values back as the original type, so nothing is lost through a reader", () => {
		const read = reader.deserialize(
			tagged({ price: money(7) }),
			here,
		) as Record<string, unknown>;
		const viaJson = reader.serialize({ ...read, n: 1 });
		const viaSuperjson = reader.serialize({ ...read, at: new Date(0) });
		const encrypted = createSerializer({
			unknownTypes: "tag",
			encryptionKey: "ab".repeat(32),
		});
		const viaEncrypted = encrypted.serialize(read, here);
		expect(
			isTaggedValue(encrypted.deserialize(viaEncrypted, here) as never),
		).toBe(false);

		class Money {
			constructor(readonly cents: number) {}
		}
		registerSerializableType<Money>({
			name: "acme.money",
			test: (v): v is Money => v instanceof Money,
			toPlain: (m) => ({ cents: m.cents }),
			fromPlain: (p) => new Money((p as { cents: number }).cents),
		});
		const strict = new JsonSerializer();
		for (const blob of [viaJson, viaSuperjson]) {
			const out = strict.deserialize(blob) as { price: Money };
			expect(out.price).toBeInstanceOf(Money);
			expect(out.price.cents).toBe(7);
		}
		expect(
			(encrypted.deserialize(viaEncrypted, here) as { price: Money }).price,
		).toBeInstanceOf(Money);
	});
});
