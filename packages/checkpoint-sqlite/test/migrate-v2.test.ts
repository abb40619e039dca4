import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA_VERSION } from "../src/schema.ts";
import { collect, openStore, record, tempDb } from "./helpers.ts";

const META = (snapshot: boolean) =>
	JSON.stringify({ nodes: [], changed: [], next: [], snapshot });
const DATA = (snapshot: boolean) =>
	Buffer.from(
		snapshot
			? 'j{"writes":[],"tasks":[],"snapshot":{"v":1}}'
			: 'j{"writes":[["x","v",2]],"tasks":[]}',
	);

/** A version 2 file (before seq and leases): rows inserted in commit order, ids sorting backwards. */
function v2File(): string {
	const path = tempDb();
	const db = new Database(path);
	db.exec(MIGRATIONS[0]!);
	db.exec(MIGRATIONS[1]!);
	db.pragma("user_version = 2");
	const insert = db.prepare(
		"INSERT INTO checkpoints VALUES (?, ?, ?, ?, ?, 'loop', '2026-01-01T00:00:00.000Z', ?, 3, ?, ?)",
	);
	const rows: Array<[string, string, string, string | null, number]> = [
		["t1", "", "z", null, 0],
		["t1", "sub", "s1", null, 0],
		["t1", "", "m", "z", 1],
		["t2", "", "q", null, 0],
		["t1", "", "a", "m", 2],
	];
	for (const [thread, ns, id, parent, step] of rows) {
		const snap = parent === null;
		insert.run(
			thread,
			ns,
			id,
			parent,
			step,
			META(snap),
			snap ? 1 : 0,
			DATA(snap),
		);
	}
	// a pending write whose kind a v2 file does not record
	db.prepare("INSERT INTO writes VALUES ('t1', '', 'm', 0, ?)").run(
		Buffer.from(
			'j{"kind":"interrupt","taskId":"x","node":"x","id":"i","index":0,"value":1}',
		),
	);
	const thread = db.prepare(
		"INSERT INTO threads VALUES (?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
	);
	thread.run("t1", "interrupted");
	thread.run("t2", "running");
	db.close();
	return path;
}

describe("migrating a version 2 file", () => {
	it("gives existing checkpoints seqs in insertion order per thread", async () => {
		const cp = openStore(v2File());
		expect(SCHEMA_VERSION).toBe(6);
		const listed = await collect(cp.list({ threadId: "t1" }));
		expect(listed.map((s) => [s.checkpointId, s.seq])).toEqual([
			["a", 4],
			["m", 3],
			["z", 1],
		]);
		expect(
			(await collect(cp.list({ threadId: "t1", ns: "sub" }))).map((s) => s.seq),
		).toEqual([2]);
		expect((await cp.getTuple({ threadId: "t1" }))?.checkpoint).toMatchObject({
			checkpointId: "a",
			seq: 4,
		});
		expect(await cp.getThread("t1")).toMatchObject({
			status: "interrupted",
			checkpointId: "a",
			heads: ["a"],
			lease: null,
			checkpoints: 3,
		});
		// recorded as running, and no lease could have been taken: stale
		expect((await cp.getThread("t2"))?.status).toBe("stale");
	});

	it("goes on from the migrated seq, with leases, and keeps a write of unknown kind through prune", async () => {
		const cp = openStore(v2File());
		expect(await cp.put(record("b", "a", { threadId: "t1" }))).toMatchObject({
			seq: 5,
		});
		expect(await cp.put(record("r", "q", { threadId: "t2" }))).toMatchObject({
			seq: 2,
		});
		const lease = await cp.acquireLease("t1", { owner: "me", ttlMs: 60_000 });
		expect(lease.token).toBe(1);
		expect((await cp.getThread("t1"))?.status).toBe("interrupted");
		const removed = await cp.prune("t1", {
			keepLast: 1,
			rebuild: () => ({ rebuilt: true }),
		});
		expect(removed).toBe(2);
		expect(
			(await collect(cp.list({ threadId: "t1" }))).map((s) => s.checkpointId),
		).toEqual(["b", "m"]);
		expect(
			(await cp.getTuple({ threadId: "t1", checkpointId: "m" }))?.pendingWrites,
		).toHaveLength(1);
	});
});
