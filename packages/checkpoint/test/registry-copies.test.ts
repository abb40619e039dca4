// Serializable types are registered once for every copy of @weft/checkpoint in a process: a CLI or server of
// its own copy stores a project's graph whose nodes registered types (LangChain's messages, through
// @weft/graph/llm) with the project's copy. Found from outside: `weft run -m hi` of a project with its own
// copies failed SERIALIZATION_FAILED "cannot store an instance of class HumanMessage" (decision 0245).
// The other copy here is the package's build (dist), which the test setup brings up to date.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { JsonSerializer } from "../src/index.ts";

// the build, by a path the type check does not follow (a fresh clone is type-checked before it is built)
const build = new URL("../dist/index.js", import.meta.url).href;
const other = (await import(build)) as typeof import("../src/index.ts");

class Point {
	constructor(
		readonly x: number,
		readonly y: number,
	) {}
}

describe("serializable types across copies of the package", () => {
	it("the copies are two (the test's premise)", () => {
		expect(other.JsonSerializer).not.toBe(JsonSerializer);
	});

	it("a type registered through one copy is stored and rebuilt by the other's serializer", () => {
		other.registerSerializableType<Point>({
			name: "test.copies.point",
			test: (v): v is Point => v instanceof Point,
			toPlain: (p) => ({ x: p.x, y: p.y }),
			fromPlain: (plain) => {
				const { x, y } = plain as { x: number; y: number };
				return new Point(x, y);
			},
		});
		const serializer = new JsonSerializer();
		const back = serializer.deserialize(
			serializer.serialize({ at: new Point(1, 2) }),
		) as { at: Point };
		expect(back.at).toBeInstanceOf(Point);
		expect(back.at).toEqual(new Point(1, 2));
	});

	it("a value one copy read as tagged is written back by the other as its type", () => {
		// written by a copy that had the type (as tagged data, the form it takes on disk)
		const tagged = new other.TaggedValue("test.copies.unknown", { a: 1 });
		const bytes = new other.JsonSerializer().serialize({
			v: tagged,
			m: new Map([["k", 1]]),
		});
		// read as tagged by one copy, written back by the other's serializer
		const reader = new other.JsonSerializer({ unknownTypes: "tag" });
		const read = reader.deserialize(bytes) as {
			v: { $type: string };
			m: Map<string, number>;
		};
		expect(read.v.$type).toBe("test.copies.unknown");
		const again = new JsonSerializer().serialize(read);
		expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
	});
});

describe("messages of another copy of @langchain/core", () => {
	it("its CommonJS build's messages are stored and read back as messages", async () => {
		await import("../src/langchain.ts"); // registers the ES module build's classes, as @weft/graph/llm does
		const cjs = createRequire(import.meta.url)(
			"@langchain/core/messages",
		) as typeof import("@langchain/core/messages");
		const esm = await import("@langchain/core/messages");
		expect(cjs.AIMessage).not.toBe(esm.AIMessage);
		const serializer = new JsonSerializer();
		const back = serializer.deserialize(
			serializer.serialize({
				messages: [
					new cjs.HumanMessage({ content: "hi", id: "h1" }),
					new cjs.AIMessage({
						content: "",
						id: "a1",
						tool_calls: [{ id: "c1", name: "look", args: { q: 1 } }],
					}),
				],
			}),
		) as { messages: import("@langchain/core/messages").BaseMessage[] };
		expect(back.messages[0]).toBeInstanceOf(esm.HumanMessage);
		expect(back.messages[1]).toBeInstanceOf(esm.AIMessage);
		expect(back.messages[1]).toMatchObject({
			id: "a1",
			tool_calls: [{ id: "c1", name: "look", args: { q: 1 } }],
		});
	});
});
