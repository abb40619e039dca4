import { describe, expect, it, vi } from "vitest";
import { PUT_SYNC } from "../src/checkpointer.ts";
import { isWeftError } from "../src/errors.ts";
import {
	frozenJsonCopy,
	isPlainJson,
	plainJsonCopy,
} from "../src/json-copy.ts";
import { MemoryCheckpointer } from "../src/memory-checkpointer.ts";
import type { CheckpointRecord } from "../src/record.ts";

const record = (
	checkpointId: string,
	metadata: Record<string, unknown>,
	parentId: string | null = null,
): CheckpointRecord => ({
	threadId: "t",
	ns: "",
	checkpointId,
	parentId,
	step: 0,
	source: "input",
	createdAt: new Date(0).toISOString(),
	metadata: metadata as never,
	data: { writes: [], tasks: [], snapshot: {} },
});

describe("MemoryCheckpointer's synchronous put (PUT_SYNC, internal)", () => {
	it("stores as put does, and a replaced put is left to the caller", async () => {
		const store = new MemoryCheckpointer();
		const r = record("c1", { snapshot: true, nodes: ["a"] });
		expect(store[PUT_SYNC](r)).toEqual({ size: expect.any(Number), seq: 1 });
		expect((await store.getTuple({ threadId: "t" }))?.checkpoint.seq).toBe(1);
		vi.spyOn(store, "put");
		expect(store[PUT_SYNC](record("c2", { snapshot: false }, "c1"))).toBe(
			undefined,
		);
		expect((await store.getTuple({ threadId: "t" }))?.checkpoint.seq).toBe(1);
	});

	it("throws what put rejects with, and changes nothing", async () => {
		const store = new MemoryCheckpointer();
		await store.acquireLease("t", { owner: "o", ttlMs: 60_000 });
		let error: unknown;
		try {
			store[PUT_SYNC](record("c1", { snapshot: true }), { fence: 7 });
		} catch (e) {
			error = e;
		}
		expect(isWeftError(error, "LEASE_LOST")).toBe(true);
		expect(await store.getTuple({ threadId: "t" })).toBeUndefined();
	});

	it("keeps handed-over metadata, frozen when read; a copy otherwise", async () => {
		const store = new MemoryCheckpointer();
		const given = { snapshot: true, timing: { nodes: { a: [0.1] } } };
		store[PUT_SYNC](record("c1", given), {}, true);
		const copied = { snapshot: false, nodes: ["a"] };
		store[PUT_SYNC](record("c2", copied, "c1"), {}, false);
		copied.nodes.push("b");
		const one = await store.getTuple({ threadId: "t", checkpointId: "c1" });
		const two = await store.getTuple({ threadId: "t", checkpointId: "c2" });
		expect(one?.checkpoint.metadata).toEqual(given);
		expect(Object.isFrozen(given.timing.nodes.a)).toBe(true);
		expect(two?.checkpoint.metadata).toEqual({ snapshot: false, nodes: ["a"] });
		expect(Object.isFrozen(two?.checkpoint.metadata.nodes)).toBe(true);
		// metadata that is not plain JSON is stored as a durable store would (the run never hands it over:
		// packages/graph/test/hand-over.test.ts)
		const dated = { snapshot: false, at: new Date(0) };
		store[PUT_SYNC](record("c3", dated, "c2"), {}, false);
		const three = await store.getTuple({ threadId: "t", checkpointId: "c3" });
		expect(three?.checkpoint.metadata).toEqual(
			JSON.parse(JSON.stringify(dated)),
		);
	});

	it.each([
		["plain JSON", { snapshot: true, a: [1, { b: "c" }], n: null }],
		["a Date", { snapshot: true, at: new Date(0) }],
		["-0", { snapshot: true, x: -0 }],
		["a NUL", { snapshot: true, x: "a\0b" }],
		["a hole", { snapshot: true, x: new Array(2) }],
		["toJSON", { snapshot: true, toJSON: () => ({}) }],
		["no snapshot flag", { nodes: [] }],
		// the shape a run writes, and what can hide in it
		[
			"a step's metadata",
			{ snapshot: false, timing: 0, nodes: ["a"], changed: ["n"], next: [] },
		],
		["NaN in an array", { snapshot: false, nodes: ["a", Number.NaN] }],
		["a NUL in an array", { snapshot: false, nodes: ["a\0"] }],
		[
			"a hole in a flat array",
			{ snapshot: false, nodes: Object.assign(new Array(2), { 1: "a" }) },
		],
		["a __proto__ key", JSON.parse('{"snapshot":false,"__proto__":1}')],
		["an array in an array", { snapshot: false, x: [["a"], [1, null]] }],
		["an object in an array", { snapshot: false, x: [null, { y: -0 }] }],
		["a Date in an array", { snapshot: false, x: [new Date(0)] }],
		["a function", { snapshot: false, f: () => 1 }],
		["a bigint in an array", { snapshot: false, x: [1n] }],
	])(
		"isPlainJson and plainJsonCopy agree with frozenJsonCopy on %s",
		(_, m) => {
			const frozen = frozenJsonCopy(m);
			expect(isPlainJson(m)).toBe(frozen !== undefined);
			const copy = plainJsonCopy(m);
			expect(copy).toEqual(frozen);
			if (copy !== undefined) expect(Object.isFrozen(copy)).toBe(false);
		},
	);
});
