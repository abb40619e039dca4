import { isWeftError } from "@weft/checkpoint";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { collect, openStore, putChain, record, tempDb } from "./helpers.ts";

describe("put and getTuple", () => {
	it("returns what was put, with its size, and the newest of a namespace", async () => {
		const cp = openStore();
		const first = record("a", null, { value: new Date(0) });
		const { size, seq } = await cp.put(first);
		expect(seq).toBe(1);
		expect(await cp.put(record("b", "a", { step: 1 }))).toMatchObject({
			seq: 2,
		});
		const tuple = await cp.getTuple({ threadId: "t1", checkpointId: "a" });
		expect(tuple?.checkpoint).toEqual({ ...first, size, seq: 1 });
		expect(size).toBeGreaterThan(0);
		expect(tuple?.hasChildren).toBe(true);
		const latest = await cp.getTuple({ threadId: "t1" });
		expect(latest?.checkpoint.checkpointId).toBe("b");
		expect(latest?.hasChildren).toBe(false);
		expect(latest?.pendingWrites).toEqual([]);
	});

	it("returns undefined for an unknown thread, namespace or id", async () => {
		const cp = openStore();
		await putChain(cp, 2);
		expect(await cp.getTuple({ threadId: "nope" })).toBeUndefined();
		expect(await cp.getTuple({ threadId: "t1", ns: "sub" })).toBeUndefined();
		expect(
			await cp.getTuple({ threadId: "t1", checkpointId: "zzz" }),
		).toBeUndefined();
	});

	it("keeps namespaces apart", async () => {
		const cp = openStore();
		await putChain(cp, 2);
		await putChain(cp, 3, { ns: "outer:inner", prefix: "s" });
		expect(
			(await cp.getTuple({ threadId: "t1", ns: "outer:inner" }))?.checkpoint
				.checkpointId,
		).toBe("s0002");
		expect((await cp.getTuple({ threadId: "t1" }))?.checkpoint.ns).toBe("");
	});

	it("refuses an unknown parent and a duplicate id, writing nothing", async () => {
		const cp = openStore();
		await putChain(cp, 1);
		const orphan = cp.put(record("x", "missing"));
		await expect(orphan).rejects.toMatchObject({
			code: "CHECKPOINT_NOT_FOUND",
			message: 'no checkpoint "missing" in thread "t1"',
		});
		await expect(cp.put(record("c0000", null))).rejects.toMatchObject({
			code: "CHECKPOINT_CONFLICT",
		});
		expect(await collect(cp.list({ threadId: "t1" }))).toHaveLength(1);
		// An orphan in a new thread does not create the thread.
		await expect(
			cp.put(record("y", "missing", { threadId: "t2" })),
		).rejects.toSatisfy((e) => isWeftError(e, "CHECKPOINT_NOT_FOUND"));
		expect((await cp.listThreads()).map((t) => t.threadId)).toEqual(["t1"]);
	});
});

describe("a put's parent checks, with and without the thread row's heads (decision 0189)", () => {
	const heads = async (cp: ReturnType<typeof openStore>, threadId = "t1") =>
		(await cp.heads({ threadId })).map((h) => h.checkpointId);

	it("extends the only head without looking the parent up, and still refuses a taken or missing parent", async () => {
		const cp = openStore();
		const ex = { exclusive: true };
		await cp.put(record("a", null), ex);
		await cp.put(record("b", "a", { step: 1 }), ex);
		await cp.put(record("c", "b", { step: 2 }), ex);
		expect(await heads(cp)).toEqual(["c"]);
		// b has a child: an exclusive fork from it is refused, a plain one makes a second head
		await expect(
			cp.put(record("d", "b", { step: 2 }), ex),
		).rejects.toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		await cp.put(record("d", "b", { step: 2 }));
		expect(await heads(cp)).toEqual(["d", "c"]);
		// with two heads, extending one goes through the lookups, and the other head stays
		await cp.put(record("e", "c", { step: 3 }), ex);
		expect(await heads(cp)).toEqual(["e", "d"]);
		await expect(
			cp.put(record("f", "c", { step: 3 }), ex),
		).rejects.toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		// a thread with one head: a missing parent is still not found, and nothing is written
		await putChain(cp, 2, { threadId: "t2" });
		await expect(
			cp.put(record("x", "missing", { threadId: "t2" }), ex),
		).rejects.toMatchObject({ code: "CHECKPOINT_NOT_FOUND" });
		expect(await heads(cp, "t2")).toEqual(["c0001"]);
		expect((await cp.getThread("t2"))?.checkpoints).toBe(2);
	});

	it("looks the parent up when the row does not know its heads", async () => {
		const path = tempDb();
		const cp = openStore(path);
		await putChain(cp, 2);
		const db = new Database(path);
		db.prepare("UPDATE threads SET root_heads = NULL, root_count = NULL").run();
		db.close();
		await expect(
			cp.put(record("x", "missing"), { exclusive: true }),
		).rejects.toMatchObject({ code: "CHECKPOINT_NOT_FOUND" });
		await expect(
			cp.put(record("x", "c0000"), { exclusive: true }),
		).rejects.toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		await cp.put(record("x", "c0001"), { exclusive: true });
		expect(await heads(cp)).toEqual(["x"]);
		expect((await cp.getThread("t1"))?.checkpoints).toBe(3);
	});
});

describe("putWrites", () => {
	it("appends pending writes in order across calls", async () => {
		const cp = openStore();
		await putChain(cp, 1);
		const ref = { threadId: "t1", checkpointId: "c0000" };
		await cp.putWrites(ref, [
			{ kind: "once", taskId: "a", key: "k1", value: new Map([[1, 2]]) },
			{ kind: "once-start", taskId: "a", key: "k2" },
		]);
		await cp.putWrites(ref, []);
		await cp.putWrites(ref, [
			{ kind: "done", taskId: "a", node: "a", writes: [["a", "x", 1]] },
		]);
		const tuple = await cp.getTuple(ref);
		expect(tuple?.pendingWrites).toEqual([
			{ kind: "once", taskId: "a", key: "k1", value: new Map([[1, 2]]) },
			{ kind: "once-start", taskId: "a", key: "k2" },
			{ kind: "done", taskId: "a", node: "a", writes: [["a", "x", 1]] },
		]);
	});

	it("refuses writes to an unknown checkpoint", async () => {
		const cp = openStore();
		await expect(
			cp.putWrites({ threadId: "t1", checkpointId: "nope" }, []),
		).rejects.toMatchObject({ code: "CHECKPOINT_NOT_FOUND" });
	});
});

describe("list", () => {
	it("lists newest first without data, with before and limit", async () => {
		const cp = openStore();
		const ids = await putChain(cp, 600);
		const all = await collect(cp.list({ threadId: "t1" }));
		expect(all.map((s) => s.checkpointId)).toEqual([...ids].reverse());
		expect(all[0]).not.toHaveProperty("data");
		expect(all[0]?.size).toBeGreaterThan(0);
		const page = await collect(
			cp.list({ threadId: "t1" }, { before: ids[300], limit: 3 }),
		);
		expect(page.map((s) => s.checkpointId)).toEqual([
			ids[299],
			ids[298],
			ids[297],
		]);
		expect(await collect(cp.list({ threadId: "t1" }, { limit: 0 }))).toEqual(
			[],
		);
		expect(await collect(cp.list({ threadId: "none" }))).toEqual([]);
	});

	it("filters on metadata by containment (jsonb @>)", async () => {
		const cp = openStore();
		const meta = [
			{ user: "ann", n: 1, ok: true, tags: ["a", "b"], o: { x: 1, y: [2] } },
			{ user: "bob", n: 1.5, ok: false, tags: ["a"], o: { y: [2], x: 1 } },
			{ user: "ann", n: 2, ok: null, tags: [], o: null },
			{ user: 1, n: "1", ok: 1, tags: "a", o: '{"x":1}' },
		];
		let parent: string | null = null;
		for (const [i, m] of meta.entries()) {
			await cp.put(record(`m${i}`, parent, { metadata: m }));
			parent = `m${i}`;
		}
		const ids = async (filter: Record<string, unknown>) =>
			(
				await collect(cp.list({ threadId: "t1" }, { filter: filter as never }))
			).map((s) => s.checkpointId);
		expect(await ids({ user: "ann" })).toEqual(["m2", "m0"]);
		expect(await ids({ user: "ann", n: 2 })).toEqual(["m2"]);
		expect(await ids({ n: 1 })).toEqual(["m0"]);
		expect(await ids({ n: 1.5 })).toEqual(["m1"]);
		expect(await ids({ n: "1" })).toEqual(["m3"]);
		expect(await ids({ ok: true })).toEqual(["m0"]);
		expect(await ids({ ok: false })).toEqual(["m1"]);
		expect(await ids({ ok: null })).toEqual(["m2"]);
		expect(await ids({ tags: ["a", "b"] })).toEqual(["m0"]);
		expect(await ids({ tags: ["a"] })).toEqual(["m1", "m0"]);
		expect(await ids({ tags: [] })).toEqual(["m2", "m1", "m0"]);
		// an object by its keys, whatever their order
		expect(await ids({ o: { x: 1, y: [2] } })).toEqual(["m1", "m0"]);
		expect(await ids({ o: { y: [] } })).toEqual(["m1", "m0"]);
		expect(await ids({ o: { x: "1" } })).toEqual([]);
		expect(await ids({ o: null })).toEqual(["m2"]);
		expect(await ids({ missing: null })).toEqual([]);
		expect(await ids({ snapshot: true })).toEqual(["m0"]);
		expect(await ids({})).toEqual(["m3", "m2", "m1", "m0"]);
		const limited = await collect(
			cp.list({ threadId: "t1" }, { filter: { user: "ann" }, limit: 1 }),
		);
		expect(limited.map((s) => s.checkpointId)).toEqual(["m2"]);
	});

	it("filters on keys that a JSON path cannot name", async () => {
		const cp = openStore();
		await cp.put(
			record("a", null, { metadata: { 'we"ird\\key': 1, "a.b": 2 } }),
		);
		await cp.put(
			record("b", "a", { metadata: { 'we"ird\\key': 2, "a.b": 3 } }),
		);
		const found = await collect(
			cp.list({ threadId: "t1" }, { filter: { 'we"ird\\key': 2, "a.b": 3 } }),
		);
		expect(found.map((s) => s.checkpointId)).toEqual(["b"]);
	});
});

describe("getChain", () => {
	it("walks back to the nearest snapshot, oldest first", async () => {
		const cp = openStore();
		await cp.put(record("a", null));
		await cp.put(record("b", "a"));
		await cp.put(record("c", "b", { snapshot: true }));
		await cp.put(record("d", "c"));
		await cp.put(record("e", "d"));
		const chain = await cp.getChain({ threadId: "t1", checkpointId: "e" });
		expect(chain.map((c) => c.checkpointId)).toEqual(["c", "d", "e"]);
		expect(chain[0]?.data.snapshot).toEqual({ x: "c" });
		const one = await cp.getChain({ threadId: "t1", checkpointId: "c" });
		expect(one.map((c) => c.checkpointId)).toEqual(["c"]);
	});

	it("stops before a checkpoint stopAt accepts, never at the first", async () => {
		const cp = openStore();
		const ids = await putChain(cp, 6);
		const seen: string[] = [];
		const chain = await cp.getChain(
			{ threadId: "t1", checkpointId: ids[5]! },
			{
				stopAt: (id) => {
					seen.push(id);
					return id === ids[2] || id === ids[5];
				},
			},
		);
		expect(chain.map((c) => c.checkpointId)).toEqual(ids.slice(3));
		expect(seen).toEqual([ids[4], ids[3], ids[2]]);
	});

	it("throws CHECKPOINT_NOT_FOUND for an unknown checkpoint", async () => {
		const cp = openStore();
		await putChain(cp, 2);
		for (const options of [{}, { stopAt: () => false }])
			await expect(
				cp.getChain({ threadId: "t1", checkpointId: "nope" }, options),
			).rejects.toMatchObject({ code: "CHECKPOINT_NOT_FOUND" });
	});
});

describe("limits", () => {
	it("treats odd limits like MemoryCheckpointer where it is sensible", async () => {
		const cp = openStore();
		await putChain(cp, 5);
		await putChain(cp, 1, { threadId: "t2" });
		expect(
			await collect(cp.list({ threadId: "t1" }, { limit: 2.5 })),
		).toHaveLength(3);
		expect(await collect(cp.list({ threadId: "t1" }, { limit: -1 }))).toEqual(
			[],
		);
		expect(
			await cp.listThreads({ limit: Number.POSITIVE_INFINITY }),
		).toHaveLength(2);
		expect(await cp.listThreads({ limit: 1 })).toHaveLength(1);
		// MemoryCheckpointer slices from the end here; a negative limit lists nothing.
		expect(await cp.listThreads({ limit: -1 })).toEqual([]);
	});
});
