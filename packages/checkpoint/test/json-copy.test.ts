import { describe, expect, it } from "vitest";
import { frozenJsonCopy } from "../src/json-copy.ts";
import { MemoryCheckpointer } from "../src/memory-checkpointer.ts";

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("frozenJsonCopy (the memory store's metadata copy)", () => {
	it("copies plain JSON exactly as a JSON round trip would, frozen all the way down", () => {
		const m = {
			snapshot: false,
			nodes: ["a", "b"],
			timing: { graph: "g", nodes: { a: [0.1, 2] }, models: {} },
			n: 1.5,
			none: null,
			yes: true,
			"2": "integer-like key first",
		};
		const copy = frozenJsonCopy(m)!;
		expect(copy).toEqual(roundTrip(m));
		expect(JSON.stringify(copy)).toBe(JSON.stringify(m));
		expect(copy).not.toBe(m);
		expect(Object.isFrozen(copy)).toBe(true);
		expect(Object.isFrozen((copy as any).timing.nodes.a)).toBe(true);
		m.nodes.push("c");
		expect((copy as any).nodes).toEqual(["a", "b"]);
	});

	it.each([
		["a Date", { snapshot: true, at: new Date(0) }],
		["undefined", { snapshot: true, x: undefined }],
		["NaN", { snapshot: true, x: Number.NaN }],
		["-0", { snapshot: true, x: -0 }],
		["a hole", { snapshot: true, x: new Array(3) }],
		["toJSON", { snapshot: true, toJSON: () => ({ snapshot: true }) }],
		["__proto__", JSON.parse('{"snapshot":true,"__proto__":{"x":1}}')],
		["a NUL", { snapshot: true, x: "a\0b" }],
		["a NUL key", { snapshot: true, "a\0": 1 }],
		["a BigInt", { snapshot: true, x: 1n }],
		["a class instance", { snapshot: true, x: new (class A {})() }],
		["no snapshot flag", { nodes: [] }],
		[
			"a throwing getter",
			{
				snapshot: true,
				get x() {
					throw new Error("no");
				},
			},
		],
	])("leaves %s to the checked JSON path", (_, m) => {
		expect(frozenJsonCopy(m)).toBeUndefined();
	});

	it("leaves a cycle to the checked JSON path (bounded depth)", () => {
		const m: Record<string, unknown> = { snapshot: true };
		m.self = m;
		expect(frozenJsonCopy(m)).toBeUndefined();
	});

	it("the memory store reads back what a durable store would, on both paths", async () => {
		const store = new MemoryCheckpointer();
		const base = {
			threadId: "t",
			ns: "",
			parentId: null,
			step: 0,
			source: "input" as const,
			createdAt: new Date(0).toISOString(),
			data: { writes: [], tasks: [], snapshot: {} },
		};
		const plain = { snapshot: true, a: [1, { b: "c" }] };
		const dated = { snapshot: true, at: new Date(0), gone: undefined };
		await store.put({ ...base, checkpointId: "c1", metadata: plain as never });
		await store.put({
			...base,
			threadId: "u",
			checkpointId: "c2",
			metadata: dated as never,
		});
		const one = await store.getTuple({ threadId: "t", ns: "" });
		const two = await store.getTuple({ threadId: "u", ns: "" });
		expect(one?.checkpoint.metadata).toEqual(roundTrip(plain));
		expect(two?.checkpoint.metadata).toEqual(roundTrip(dated));
		expect(store.storedBytes("t")).toBeGreaterThan(
			JSON.stringify(plain).length,
		);
	});
});
