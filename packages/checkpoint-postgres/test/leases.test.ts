import type { Lease } from "@weft/checkpoint";
import { record } from "@weft/checkpoint/conformance";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterEach, describe, expect, it } from "vitest";
import {
	admin,
	all,
	CONNECTION,
	freshCheckpointer,
	postgresAvailable,
	rows,
} from "./postgres.ts";

const available = await postgresAvailable();

describe.skipIf(!available)("PostgresCheckpointer leases and order", () => {
	const drops: Array<() => Promise<void>> = [];
	const fresh = async () => {
		const made = await freshCheckpointer();
		drops.push(made.drop);
		return made;
	};
	afterEach(async () => {
		for (const drop of drops.splice(0)) await drop();
	});

	it("gives each thread's checkpoints seq 1, 2, … across namespaces, also from several pools at once", async () => {
		const { cp, schema } = await fresh();
		const others = await Promise.all(
			[0, 1, 2].map(() =>
				PostgresCheckpointer.connect({ connectionString: CONNECTION, schema }),
			),
		);
		const stores = [cp, ...others];
		const roots = [
			record(),
			record({ ns: "sub" }),
			record({ threadId: "other" }),
		];
		const seqs = await Promise.all(
			Array.from({ length: 24 }, (_, i) =>
				stores[i % 4]!.put(
					record({ ns: roots[i % 3]!.ns, threadId: roots[i % 3]!.threadId }),
				),
			),
		);
		const byThread = new Map<string, number[]>();
		seqs.forEach((s, i) => {
			const t = roots[i % 3]!.threadId;
			byThread.set(t, [...(byThread.get(t) ?? []), s.seq]);
		});
		expect([...byThread.get("thread")!].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 16 }, (_, i) => i + 1),
		);
		expect([...byThread.get("other")!].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 8 }, (_, i) => i + 1),
		);
		const listed = await all(cp.list({ threadId: "thread" }));
		expect(listed.map((s) => s.seq)).toEqual(
			[...listed.map((s) => s.seq)].sort((a, b) => b - a),
		);
		await Promise.all(others.map((o) => o.close()));
	});

	it("orders by seq, not by ids: a writer whose clock is behind still makes the newest checkpoint", async () => {
		const { cp } = await fresh();
		const root = record();
		await cp.put(root);
		// An id from a clock 60 s behind sorts before the root's id.
		const behind = {
			...record({ parentId: root.checkpointId, step: 1 }),
			checkpointId: "00000000-0000-7000-8000-000000000000",
		};
		const { seq } = await cp.put(behind);
		expect(seq).toBe(2);
		expect(
			(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
		).toBe(behind.checkpointId);
		expect((await cp.getThread("thread"))?.heads).toEqual([
			behind.checkpointId,
		]);
		const before = await all(
			cp.list({ threadId: "thread" }, { before: behind.checkpointId }),
		);
		expect(before.map((s) => s.checkpointId)).toEqual([root.checkpointId]);
	});

	it("judges lease expiry and staleness by the server's clock", async () => {
		const { cp, schema } = await fresh();
		const lease = await cp.acquireLease("thread", {
			owner: "a",
			ttlMs: 60_000,
		});
		expect(lease).toMatchObject({ threadId: "thread", token: 1, owner: "a" });
		await cp.setThreadStatus("thread", "running", { fence: lease.token });
		expect((await cp.getThread("thread"))?.status).toBe("running");
		// The server's clock moves past the expiry (the client's clock is not asked).
		await admin(
			`UPDATE "${schema}".threads SET lease_expires = now() - interval '1 second'`,
		);
		const info = await cp.getThread("thread");
		expect(info?.status).toBe("stale");
		expect(info?.lease).toMatchObject({ token: 1, owner: "a" });
		expect(
			(await cp.listThreads({ status: "stale" })).map((t) => t.threadId),
		).toEqual(["thread"]);
		expect(await cp.listThreads({ status: "running" })).toEqual([]);
		const next = await cp.acquireLease("thread", { owner: "b", ttlMs: 60_000 });
		expect(next.token).toBe(2);
		expect(Date.parse(next.expiresAt)).toBeGreaterThan(Date.now() - 5_000);
	});

	it("records a fenced status the thread already has without writing the row, and still checks the fence", async () => {
		const { cp, schema } = await fresh();
		const xmin = async () =>
			(
				await rows(
					`SELECT xmin::text AS x, status, updated_at FROM "${schema}".threads WHERE thread_id = 'thread'`,
				)
			)[0];
		// the lease creates the thread as running: recording "running" under it changes nothing
		const a = await cp.acquireLease("thread", { owner: "a", ttlMs: 60_000 });
		const before = await xmin();
		await cp.setThreadStatus("thread", "running", { fence: a.token });
		expect(await xmin()).toEqual(before);
		// another status is written
		await cp.setThreadStatus("thread", "interrupted", { fence: a.token });
		expect((await xmin())?.status).toBe("interrupted");
		expect((await xmin())?.x).not.toBe(before?.x);
		await cp.setThreadStatus("thread", "interrupted", { fence: a.token });
		// a lease no longer current is refused, the status being the same or not
		expect(await cp.releaseLease(a)).toBe(true);
		await expect(
			cp.setThreadStatus("thread", "interrupted", { fence: a.token }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		const b = await cp.acquireLease("thread", { owner: "b", ttlMs: 60_000 });
		await expect(
			cp.setThreadStatus("thread", "interrupted", { fence: a.token }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		await expect(
			cp.setThreadStatus("thread", "running", { fence: a.token }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		await expect(
			cp.setThreadStatus("nothing", "running", { fence: 1 }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		await cp.setThreadStatus("thread", "running", { fence: b.token });
		expect((await cp.getThread("thread"))?.status).toBe("running");
	});

	it("refuses a second runner with THREAD_BUSY, renews, and releases with a status", async () => {
		const { cp } = await fresh();
		const a = await cp.acquireLease("thread", { owner: "a", ttlMs: 60_000 });
		await expect(
			cp.acquireLease("thread", { owner: "b", ttlMs: 1000 }),
		).rejects.toMatchObject({
			code: "THREAD_BUSY",
			message: expect.stringContaining('"a"'),
		});
		const renewed = await cp.renewLease(a, 120_000);
		expect(renewed.token).toBe(a.token);
		expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(
			Date.parse(a.expiresAt),
		);
		expect(await cp.releaseLease(a, "done")).toBe(true);
		expect(await cp.getThread("thread")).toMatchObject({
			status: "done",
			lease: null,
		});
		expect(await cp.releaseLease(a, "failed")).toBe(false);
		await expect(cp.renewLease(a, 1000)).rejects.toMatchObject({
			code: "LEASE_LOST",
		});
		expect((await cp.getThread("thread"))?.status).toBe("done");
		const b = await cp.acquireLease("thread", { owner: "b", ttlMs: 1000 });
		expect(b.token).toBe(2);
		// A token that is not one the store handed out is never current.
		const forged = { ...b, token: "2" as unknown as number };
		await expect(cp.renewLease(forged, 1000)).rejects.toMatchObject({
			code: "LEASE_LOST",
		});
		expect(await cp.releaseLease(forged)).toBe(false);
		await expect(
			cp.setThreadStatus("thread", "done", { fence: forged.token }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
	});

	it("fences put, putWrites and setThreadStatus in their own transaction: a lost lease writes nothing", async () => {
		const { cp, schema } = await fresh();
		const a = await cp.acquireLease("thread", { owner: "a", ttlMs: 60_000 });
		const root = record();
		expect((await cp.put(root, { fence: a.token })).seq).toBe(1);
		await admin(
			`UPDATE "${schema}".threads SET lease_expires = now() - interval '1 second'`,
		);
		const b = await cp.acquireLease("thread", { owner: "b", ttlMs: 60_000 });
		const late = record({ parentId: root.checkpointId, step: 1 });
		await expect(cp.put(late, { fence: a.token })).rejects.toMatchObject({
			code: "LEASE_LOST",
		});
		await expect(
			cp.putWrites(
				{ threadId: "thread", checkpointId: root.checkpointId },
				[{ kind: "resume", taskId: "t", index: 0, value: 1 }],
				{ fence: a.token },
			),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		await expect(
			cp.setThreadStatus("thread", "failed", { fence: a.token }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		const tuple = await cp.getTuple({ threadId: "thread" });
		expect(tuple?.checkpoint.checkpointId).toBe(root.checkpointId);
		expect(tuple?.pendingWrites).toEqual([]);
		expect(await cp.getThread("thread")).toMatchObject({
			status: "running",
			lease: { token: b.token, owner: "b" },
		});
		// The next checkpoint gets seq 2: the refused put used none.
		expect((await cp.put(late, { fence: b.token })).seq).toBe(2);
		// A fence on a thread nobody leased is refused too.
		await expect(
			cp.put(record({ threadId: "new" }), { fence: 1 }),
		).rejects.toMatchObject({ code: "LEASE_LOST" });
		expect(await cp.getThread("new")).toBeUndefined();
	});

	it("lists heads of branches newest first, and the thread's root heads", async () => {
		const { cp } = await fresh();
		const root = record();
		await cp.put(root);
		const a = record({ parentId: root.checkpointId, step: 1 });
		const b = record({ parentId: root.checkpointId, step: 1 });
		await cp.put(a);
		await cp.put(b);
		await cp.put(record({ ns: "sub" }));
		expect(
			(await cp.heads({ threadId: "thread" })).map((h) => h.checkpointId),
		).toEqual([b.checkpointId, a.checkpointId]);
		const info = await cp.getThread("thread");
		expect(info).toMatchObject({
			checkpointId: b.checkpointId,
			heads: [b.checkpointId, a.checkpointId],
			checkpoints: 3,
			step: 1,
		});
		expect(await cp.getThread("none")).toBeUndefined();
	});

	it("gives a thread's lease to exactly one of several pools racing for it", async () => {
		const { cp, schema } = await fresh();
		const others = await Promise.all(
			[0, 1, 2].map(() =>
				PostgresCheckpointer.connect({ connectionString: CONNECTION, schema }),
			),
		);
		const stores = [cp, ...others];
		for (let round = 0; round < 3; round++) {
			const results = await Promise.allSettled(
				Array.from({ length: 8 }, (_, i) =>
					stores[i % 4]!.acquireLease("race", {
						owner: `r${i}`,
						ttlMs: 60_000,
					}),
				),
			);
			const won = results.filter((r) => r.status === "fulfilled");
			expect(won).toHaveLength(1);
			for (const r of results)
				if (r.status === "rejected")
					expect(r.reason).toMatchObject({ code: "THREAD_BUSY" });
			const lease = (won[0] as PromiseFulfilledResult<Lease>).value;
			expect(lease.token).toBe(round + 1);
			expect(await cp.releaseLease(lease, "done")).toBe(true);
		}
		await Promise.all(others.map((o) => o.close()));
	});

	// a lease expiry of 'infinity' (what a timestamptz column takes besides times) held the thread for ever
	// and made listings throw a TypeError; as in SQLite, an expiry that is no time reads as a lapsed lease
	it("reads a lease expiry that is no time ('infinity') as lapsed: listed stale, taken by the next runner", async () => {
		const { cp, schema } = await fresh();
		await cp.put(record());
		const lease = await cp.acquireLease("thread", {
			owner: "gone",
			ttlMs: 60_000,
		});
		await admin(
			`UPDATE "${schema}".threads SET lease_expires = 'infinity' WHERE thread_id = 'thread'`,
		);
		const thread = await cp.getThread("thread");
		expect(thread?.status).toBe("stale");
		expect(thread?.lease?.expiresAt).toBe(new Date(0).toISOString());
		expect(
			(await cp.listThreads({ status: "stale" })).map((t) => t.threadId),
		).toEqual(["thread"]);
		const next = await cp.acquireLease("thread", {
			owner: "next",
			ttlMs: 60_000,
		});
		expect(next.token).toBeGreaterThan(lease.token);
	});
});
