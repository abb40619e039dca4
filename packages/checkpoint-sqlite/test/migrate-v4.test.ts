import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../src/schema.ts";
import { collect, openStore, putChain, record, tempDb } from "./helpers.ts";

/** Root columns of the thread rows, read behind the store's back. */
function rootColumns(
	path: string,
): Record<string, [number | null, string | null]> {
	const db = new Database(path, { readonly: true });
	try {
		const rows = db
			.prepare(
				"SELECT thread_id, root_count, root_heads FROM threads ORDER BY thread_id",
			)
			.all() as Array<{
			thread_id: string;
			root_count: number | null;
			root_heads: string | null;
		}>;
		return Object.fromEntries(
			rows.map((r) => [r.thread_id, [r.root_count, r.root_heads]]),
		);
	} finally {
		db.close();
	}
}

/**
 * A version 4 file (before threads kept their root count and heads): written by this code, then the
 * columns of versions 5 and 6 dropped, the parent index made whole again and the version set back, which
 * leaves exactly version 4's tables.
 */
async function v4File(): Promise<string> {
	const path = tempDb();
	const cp = openStore(path);
	const trunk = await putChain(cp, 5);
	await cp.put(record("f1", trunk[1]!)); // a fork from an older checkpoint
	await putChain(cp, 3, { ns: "sub", prefix: "s" });
	await putChain(cp, 2, { threadId: "t2" });
	await putChain(cp, 2, { threadId: "t3", ns: "sub", prefix: "s" });
	await cp.close();
	const db = new Database(path);
	db.exec(`ALTER TABLE threads DROP COLUMN root_heads;
		ALTER TABLE threads DROP COLUMN root_count;
		DROP INDEX checkpoints_parent;
		ALTER TABLE checkpoints DROP COLUMN linear;
		CREATE INDEX checkpoints_parent ON checkpoints (thread_id, ns, parent_id);
		PRAGMA user_version = 4;`);
	db.close();
	return path;
}

describe("a version 4 file opened by this code", () => {
	it("is migrated without computing anything: reads scan while the row does not know, the next root put fills it in", async () => {
		expect(SCHEMA_VERSION).toBe(6);
		const path = await v4File();
		const cp = openStore(path);
		expect(await cp.getThread("t2")).toBeDefined(); // opened and migrated
		expect(rootColumns(path)).toEqual({
			t1: [null, null],
			t2: [null, null],
			t3: [null, null],
		});
		expect(await cp.getThread("t1")).toMatchObject({
			checkpoints: 6,
			heads: ["f1", "c0004"],
		});
		expect(
			(await cp.heads({ threadId: "t1" })).map((h) => h.checkpointId),
		).toEqual(["f1", "c0004"]);
		expect(
			(await cp.listThreads()).map((t) => [t.threadId, t.checkpoints, t.heads]),
		).toEqual(
			expect.arrayContaining([
				["t1", 6, ["f1", "c0004"]],
				["t2", 2, ["c0001"]],
				["t3", 0, []],
			]),
		);
		// a subgraph put leaves the root unknown; a root put (here a fork) fills it in, in its transaction
		await cp.put(record("s9", "s0002", { ns: "sub" }));
		expect(rootColumns(path).t1).toEqual([null, null]);
		await cp.put(record("f2", "c0000"));
		expect(rootColumns(path).t1).toEqual([
			7,
			JSON.stringify(["f2", "f1", "c0004"]),
		]);
		await cp.put(record("c0005", "c0004"));
		expect(rootColumns(path).t1).toEqual([
			8,
			JSON.stringify(["c0005", "f2", "f1"]),
		]);
		expect(await cp.getThread("t1")).toMatchObject({
			checkpoints: 8,
			heads: ["c0005", "f2", "f1"],
		});
		expect((await collect(cp.list({ threadId: "t1" }))).length).toBe(8);
		// the thread with only subgraph checkpoints: its first root put counts them out
		await cp.put(record("r0", null, { threadId: "t3" }));
		expect(rootColumns(path).t3).toEqual([1, JSON.stringify(["r0"])]);
		// the rest stay unknown until written
		expect(rootColumns(path).t2).toEqual([null, null]);
	});

	it("fills in a row on prune", async () => {
		const path = await v4File();
		const cp = openStore(path);
		expect(
			await cp.prune("t1", { keepLast: 1, rebuild: () => ({ rebuilt: true }) }),
		).toBeGreaterThan(0);
		const [count, heads] = rootColumns(path).t1!;
		const listed = await collect(cp.list({ threadId: "t1" }));
		expect(count).toBe(listed.length);
		expect(JSON.parse(heads!)).toEqual(
			(await cp.heads({ threadId: "t1" })).map((h) => h.checkpointId),
		);
		expect(JSON.parse(heads!)).toEqual(["f1", "c0004"]);
	});
});
