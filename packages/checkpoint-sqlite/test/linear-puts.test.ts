import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../src/schema.ts";
import { collect, openStore, putChain, record, tempDb } from "./helpers.ts";

type Store = ReturnType<typeof openStore>;

/** Each checkpoint of a namespace with its `linear` flag, in seq order, read behind the store's back. */
function linearFlags(path: string, threadId = "t1", ns = ""): string[] {
	const db = new Database(path, { readonly: true });
	try {
		const rows = db
			.prepare(
				"SELECT checkpoint_id, linear FROM checkpoints WHERE thread_id = ? AND ns = ? ORDER BY seq",
			)
			.all(threadId, ns) as Array<{ checkpoint_id: string; linear: number }>;
		return rows.map((r) => `${r.checkpoint_id}:${r.linear}`);
	} finally {
		db.close();
	}
}

/** Which checkpoints have a child, as getTuple reports it. */
async function withChildren(
	cp: Store,
	ids: string[],
	ns = "",
): Promise<string[]> {
	const out: string[] = [];
	for (const checkpointId of ids) {
		const tuple = await cp.getTuple({ threadId: "t1", ns, checkpointId });
		if (tuple?.hasChildren) out.push(checkpointId);
	}
	return out;
}

const heads = async (cp: Store, ns = "") =>
	(await cp.heads({ threadId: "t1", ns })).map((h) => h.checkpointId);

describe("puts on the only head stay out of the parent index (decision 0194)", () => {
	it("marks a linear run's steps, and each still reports its child", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 5);
		// the thread's first checkpoint has no parent: it goes through the general path
		expect(linearFlags(path)).toEqual([
			"c0000:0",
			"c0001:1",
			"c0002:1",
			"c0003:1",
			"c0004:1",
		]);
		expect(await withChildren(cp, ids)).toEqual(ids.slice(0, 4));
		expect(await heads(cp)).toEqual(["c0004"]);
		// an exclusive fork from any step but the head is refused: its child is found by seq
		for (const parent of ids.slice(0, 4))
			await expect(
				cp.put(record("x", parent), { exclusive: true }),
			).rejects.toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		expect((await cp.getThread("t1"))?.checkpoints).toBe(5);
	});

	it("indexes forks and the puts beside another head, and answers for both kinds of child", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 4);
		await cp.put(record("f1", "c0001")); // a fork from an older step
		await cp.put(record("c0004", "c0003")); // the trunk, now beside the fork's head
		await cp.put(record("f2", "f1"));
		expect(linearFlags(path)).toEqual([
			"c0000:0",
			"c0001:1",
			"c0002:1",
			"c0003:1",
			"f1:0",
			"c0004:0",
			"f2:0",
		]);
		expect(await heads(cp)).toEqual(["f2", "c0004"]);
		expect(await withChildren(cp, [...ids, "f1", "c0004", "f2"])).toEqual([
			"c0000",
			"c0001",
			"c0002",
			"c0003",
			"f1",
		]);
		// c0001 has two children, one found by seq and one in the index
		await expect(
			cp.put(record("y", "c0001"), { exclusive: true }),
		).rejects.toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		await cp.put(record("y", "c0004"), { exclusive: true });
		expect(await heads(cp)).toEqual(["y", "f2"]);
	});

	it("indexes every put of a subgraph namespace", async () => {
		const path = tempDb();
		const cp = openStore(path);
		await putChain(cp, 2);
		const sub = await putChain(cp, 3, { ns: "sub", prefix: "s" });
		expect(linearFlags(path, "t1", "sub")).toEqual([
			"s0000:0",
			"s0001:0",
			"s0002:0",
		]);
		expect(await withChildren(cp, sub, "sub")).toEqual(["s0000", "s0001"]);
		expect(await heads(cp, "sub")).toEqual(["s0002"]);
	});

	it("finds no child past a deleted one: pruned steps leave the next row's parent elsewhere", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 6);
		await cp.prune("t1", {
			keepLast: 2,
			rebuild: (chain) => ({ x: chain.at(-1)?.checkpointId }),
		});
		const left = (await collect(cp.list({ threadId: "t1" })))
			.map((s) => s.checkpointId)
			.reverse();
		expect(left).toEqual(ids.slice(4));
		expect(await withChildren(cp, left)).toEqual(["c0004"]);
		expect(await heads(cp)).toEqual(["c0005"]);
		await cp.put(record("c0006", "c0005"), { exclusive: true });
		expect(await withChildren(cp, [...left, "c0006"])).toEqual([
			"c0004",
			"c0005",
		]);
	});
});

/**
 * A version 5 file (before linear puts): written by this code, then the flag dropped, the parent index made
 * whole again and the version set back, which leaves exactly version 5's tables.
 */
async function v5File(): Promise<string> {
	const path = tempDb();
	const cp = openStore(path);
	await putChain(cp, 4);
	await cp.put(record("f1", "c0001"));
	await putChain(cp, 2, { threadId: "t2" });
	await cp.close();
	const db = new Database(path);
	db.exec(`DROP INDEX checkpoints_parent;
		ALTER TABLE checkpoints DROP COLUMN linear;
		CREATE INDEX checkpoints_parent ON checkpoints (thread_id, ns, parent_id);
		PRAGMA user_version = 5;`);
	db.close();
	return path;
}

describe("a version 5 file opened by this code", () => {
	it("keeps its rows in the parent index and marks the puts made after", async () => {
		expect(SCHEMA_VERSION).toBe(6);
		const path = await v5File();
		const cp = openStore(path);
		const old = ["c0000", "c0001", "c0002", "c0003", "f1"];
		expect(await withChildren(cp, old)).toEqual(["c0000", "c0001", "c0002"]);
		expect(linearFlags(path)).toEqual(old.map((id) => `${id}:0`));
		await expect(
			cp.put(record("x", "c0002"), { exclusive: true }),
		).rejects.toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		// two heads: the next put is indexed
		await cp.put(record("c0004", "c0003"), { exclusive: true });
		expect(await heads(cp)).toEqual(["c0004", "f1"]);
		expect(linearFlags(path).slice(-1)).toEqual(["c0004:0"]);
		expect(await withChildren(cp, ["c0003", "c0004", "f1"])).toEqual(["c0003"]);
		// one head, known from the version 5 row: the next put extends it linearly
		await cp.put(record("c0002", "c0001", { threadId: "t2" }), {
			exclusive: true,
		});
		expect(linearFlags(path, "t2")).toEqual(["c0000:0", "c0001:0", "c0002:1"]);
		const t2 = await cp.getTuple({ threadId: "t2", checkpointId: "c0001" });
		expect(t2?.hasChildren).toBe(true);
	});
});

describe("the thread's updated_at (decision 0194)", () => {
	it("is the newest put's time, also for puts in the same millisecond, and orders the listing", async () => {
		const cp = openStore();
		const at = (ms: number) =>
			new Date(Date.UTC(2026, 0, 2, 0, 0, 0, ms)).toISOString();
		await cp.put(record("a", null, { threadId: "t1", createdAt: at(1) }));
		await cp.put(record("b", null, { threadId: "t2", createdAt: at(2) }));
		await cp.put(record("a2", "a", { threadId: "t1", createdAt: at(2) }));
		expect((await cp.getThread("t1"))?.updatedAt).toBe(at(2));
		await cp.put(record("a3", "a2", { threadId: "t1", createdAt: at(2) }));
		expect((await cp.getThread("t1"))?.updatedAt).toBe(at(2));
		await cp.put(record("a4", "a3", { threadId: "t1", createdAt: at(3) }));
		expect((await cp.getThread("t1"))?.updatedAt).toBe(at(3));
		expect((await cp.listThreads()).map((t) => t.threadId)).toEqual([
			"t1",
			"t2",
		]);
		await cp.put(record("b2", "b", { threadId: "t2", createdAt: at(4) }));
		expect((await cp.listThreads()).map((t) => t.threadId)).toEqual([
			"t2",
			"t1",
		]);
	});
});
