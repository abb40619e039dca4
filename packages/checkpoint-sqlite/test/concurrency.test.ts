import { once } from "node:events";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
	collect,
	holdWriteLock,
	openStore,
	putChain,
	record,
	tempDb,
} from "./helpers.ts";

describe("two checkpointers on one file", () => {
	it("see each other's checkpoints and refuse a second successor with exclusive", async () => {
		const path = tempDb();
		const a = openStore(path);
		const b = openStore(path);
		const ids = await putChain(a, 2);
		expect(
			(await b.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
		).toBe(ids[1]);
		await b.put(record("x-b", ids[1]!), { exclusive: true });
		await expect(
			a.put(record("x-a", ids[1]!), { exclusive: true }),
		).rejects.toMatchObject({
			name: "CheckpointError",
			code: "CHECKPOINT_CONFLICT",
			message: `thread "t1" moved on while this run was working: checkpoint ${ids[1]} already has a successor`,
			hint: "another process is running this thread; read its new state and run again",
		});
		expect(
			await a.getTuple({ threadId: "t1", checkpointId: "x-a" }),
		).toBeUndefined();
		expect(
			(await collect(a.list({ threadId: "t1" }))).map((s) => s.checkpointId),
		).toEqual(["x-b", ...[...ids].reverse()]);
		// Without exclusive, the same put forks.
		await a.put(record("x-fork", ids[1]!));
		expect(
			(await b.getTuple({ threadId: "t1", checkpointId: ids[1]! }))
				?.hasChildren,
		).toBe(true);
	});

	it("a runner holding a lease on one connection cannot touch the thread another connection deleted and made again", async () => {
		const path = tempDb();
		const zombie = openStore(path);
		const other = openStore(path);
		const held = await zombie.acquireLease("t1", { owner: "a", ttlMs: 60_000 });
		await other.deleteThread("t1");
		const fresh = await other.acquireLease("t1", {
			owner: "b",
			ttlMs: 60_000,
		});
		expect(fresh.token).toBeGreaterThan(held.token);
		await expect(
			zombie.setThreadStatus("t1", "failed", { fence: held.token }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		expect(await zombie.releaseLease(held, "failed")).toBe(false);
		// a third connection, opened after all of it, sees the new runner's lease
		expect((await openStore(path).getThread("t1"))?.lease).toMatchObject({
			token: fresh.token,
			owner: "b",
		});
	});

	it("refuse a second first checkpoint of a namespace with exclusive", async () => {
		const path = tempDb();
		const a = openStore(path);
		const b = openStore(path);
		await a.put(record("first", null), { exclusive: true });
		await expect(
			b.put(record("other", null), { exclusive: true }),
		).rejects.toMatchObject({
			code: "CHECKPOINT_CONFLICT",
			message: expect.stringContaining(
				"checkpoint (start) already has a successor",
			),
		});
		await b.put(record("other", null, { ns: "sub" }), { exclusive: true });
	});

	it("take the write lock at the start of a put: a held lock fails it after busyTimeoutMs, writing nothing", async () => {
		const path = tempDb();
		const cp = openStore(path, { busyTimeoutMs: 50 });
		const ids = await putChain(cp, 1);
		const other = new Database(path);
		other.exec("BEGIN IMMEDIATE");
		try {
			await expect(cp.put(record("x-blocked", ids[0]!))).rejects.toMatchObject({
				name: "CheckpointError",
				code: "STORE_UNAVAILABLE",
				hint: expect.stringContaining("busyTimeoutMs"),
			});
			// Readers are not blocked by a writer (WAL).
			expect(
				(await cp.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
			).toBe(ids[0]);
		} finally {
			other.exec("ROLLBACK");
			other.close();
		}
		await cp.put(record("x-blocked", ids[0]!));
		expect(
			(await cp.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
		).toBe("x-blocked");
	});

	it("open a file another process holds the write lock of (a runner inside a commit, or stopped in one): opening writes nothing, reads answer, a put waits for the lock", async () => {
		const path = tempDb();
		const first = openStore(path);
		const ids = await putChain(first, 2);
		await first.close();
		const holder = await holdWriteLock(path);
		try {
			const cp = openStore(path, { busyTimeoutMs: 50 });
			expect(
				(await cp.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
			).toBe(ids[1]);
			expect(await collect(cp.list({ threadId: "t1" }))).toHaveLength(2);
			await expect(cp.put(record("x-held", ids[1]!))).rejects.toMatchObject({
				code: "STORE_UNAVAILABLE",
			});
		} finally {
			holder.kill("SIGKILL");
			await once(holder, "exit");
		}
	});

	it("wait for a writer on another thread, then go on", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 1);
		const holder = new Worker(
			`const { parentPort, workerData } = require("node:worker_threads");
			const Database = require(workerData.module);
			const db = new Database(workerData.path);
			db.exec("BEGIN IMMEDIATE");
			parentPort.postMessage("locked");
			setTimeout(() => { db.exec("COMMIT"); db.close(); }, 300);`,
			{
				eval: true,
				workerData: { path, module: require.resolve("better-sqlite3") },
			},
		);
		await new Promise((resolve) => holder.once("message", resolve));
		const started = Date.now();
		await cp.put(record("x-after", ids[0]!), { exclusive: true });
		expect(Date.now() - started).toBeGreaterThanOrEqual(200);
		await holder.terminate();
	});
});
