import { describe, expect, it } from "vitest";
import { threadLeaseOf } from "../checkpointer.ts";
import { busyHolder } from "../store-errors.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";
import {
	all,
	codeOf,
	errorOf,
	LONG_TTL,
	outlast,
	SHORT_TTL,
} from "./helpers.ts";

/** Thread leases, fencing tokens and what a loser may not change. */
export function leaseCases(ctx: ConformanceContext): void {
	describe("leases and fencing", () => {
		it("takes a lease with token 1 on a new thread, which then reads as running with that lease", async () => {
			const cp = ctx.checkpointer();
			const lease = await cp.acquireLease("t", { owner: "A", ttlMs: LONG_TTL });
			expect(lease).toMatchObject({ threadId: "t", token: 1, owner: "A" });
			expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.now());
			const info = await cp.getThread("t");
			expect(info).toMatchObject({
				threadId: "t",
				status: "running",
				checkpointId: null,
				checkpoints: 0,
				heads: [],
				lease: { threadId: "t", token: 1, owner: "A" },
			});
			expect(await cp.getThread("nobody")).toBeUndefined();
		});

		it("refuses a second runner with THREAD_BUSY naming the holder while the lease holds", async () => {
			const cp = ctx.checkpointer();
			await cp.acquireLease("t", { owner: "runner-A", ttlMs: LONG_TTL });
			const error = await errorOf(
				cp.acquireLease("t", { owner: "runner-B", ttlMs: LONG_TTL }),
			);
			expect(error).toMatchObject({ code: "THREAD_BUSY" });
			expect(String((error as Error).message)).toContain("runner-A");
			// the holder as data too, for callers that act on it (the CLI names a holder that has exited)
			const holder = busyHolder(error);
			expect(holder?.owner).toBe("runner-A");
			expect(holder?.expiresAt).toBe(
				(await cp.getThread("t"))?.lease?.expiresAt,
			);
			// the same owner is refused too: one run per thread
			expect(
				await codeOf(cp.acquireLease("t", { owner: "runner-A", ttlMs: 10 })),
			).toBe("THREAD_BUSY");
			expect((await cp.getThread("t"))?.lease).toMatchObject({
				token: 1,
				owner: "runner-A",
			});
		});

		it("reads an expired lease's running thread as stale, and lets another runner take it over with the next token", async () => {
			const cp = ctx.checkpointer();
			const a = await cp.acquireLease("t", { owner: "A", ttlMs: SHORT_TTL });
			await cp.put(record({ threadId: "t" }), { fence: a.token });
			await outlast();
			const stale = await cp.getThread("t");
			expect(stale?.status).toBe("stale");
			expect(stale?.lease).toMatchObject({ token: 1, owner: "A" });
			expect(
				(await cp.listThreads({ status: "stale" })).map((t) => t.threadId),
			).toEqual(["t"]);
			expect(await cp.listThreads({ status: "running" })).toEqual([]);
			const b = await cp.acquireLease("t", { owner: "B", ttlMs: LONG_TTL });
			expect(b).toMatchObject({ token: 2, owner: "B" });
			expect((await cp.getThread("t"))?.status).toBe("running");
		});

		it("renews a current lease and refuses to renew one that was taken over (LEASE_LOST)", async () => {
			const cp = ctx.checkpointer();
			const a = await cp.acquireLease("t", { owner: "A", ttlMs: SHORT_TTL });
			const renewed = await cp.renewLease(a, LONG_TTL);
			expect(renewed).toMatchObject({ threadId: "t", token: 1, owner: "A" });
			expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(
				Date.parse(a.expiresAt),
			);
			await outlast();
			// renewed past the short ttl: still held
			expect(
				await codeOf(cp.acquireLease("t", { owner: "B", ttlMs: LONG_TTL })),
			).toBe("THREAD_BUSY");
			const short = await cp.renewLease(renewed, SHORT_TTL);
			await outlast();
			const b = await cp.acquireLease("t", { owner: "B", ttlMs: LONG_TTL });
			expect(b.token).toBe(2);
			expect(await codeOf(cp.renewLease(short, LONG_TTL))).toBe("LEASE_LOST");
			expect((await cp.getThread("t"))?.lease).toMatchObject({
				token: 2,
				owner: "B",
			});
		});

		it("releases with a status in one step; a released token is not current any more", async () => {
			const cp = ctx.checkpointer();
			const a = await cp.acquireLease("t", { owner: "A", ttlMs: LONG_TTL });
			expect(await cp.releaseLease(a, "interrupted")).toBe(true);
			const info = await cp.getThread("t");
			expect(info?.status).toBe("interrupted");
			expect(info?.lease).toBeNull();
			expect(await cp.releaseLease(a, "failed")).toBe(false);
			expect((await cp.getThread("t"))?.status).toBe("interrupted");
			expect(await codeOf(cp.renewLease(a, LONG_TTL))).toBe("LEASE_LOST");
			expect(
				await codeOf(cp.put(record({ threadId: "t" }), { fence: 1 })),
			).toBe("LEASE_LOST");
			// free at once after a release, with a token never used before
			const b = await cp.acquireLease("t", { owner: "B", ttlMs: LONG_TTL });
			expect(b.token).toBe(2);
			expect(await cp.releaseLease(b)).toBe(true);
			expect((await cp.getThread("t"))?.status).toBe("interrupted");
		});

		it("reads a thread's status and lease alone (getThreadLease, where the store has it) as getThread does", async () => {
			const cp = ctx.checkpointer();
			const both = async (id: string) => {
				const info = await cp.getThread(id);
				const alone = await threadLeaseOf(cp, id);
				expect(alone).toEqual(
					info === undefined
						? undefined
						: { status: info.status, lease: info.lease },
				);
				if (cp.getThreadLease !== undefined)
					expect(await cp.getThreadLease(id)).toEqual(alone);
				return alone;
			};
			expect(await both("t")).toBeUndefined();
			// a live lease is a long one: a short one could lapse between the two reads on a loaded machine
			const a = await cp.acquireLease("t", { owner: "A", ttlMs: LONG_TTL });
			await cp.put(record({ threadId: "t" }), { fence: a.token });
			expect(await both("t")).toMatchObject({
				status: "running",
				lease: { threadId: "t", token: 1, owner: "A" },
			});
			// running without a lease, then with one that lapsed: stale either way
			await cp.releaseLease(a);
			expect(await both("t")).toEqual({ status: "stale", lease: null });
			await cp.acquireLease("t", { owner: "S", ttlMs: SHORT_TTL });
			await outlast();
			expect((await both("t"))?.status).toBe("stale");
			const b = await cp.acquireLease("t", { owner: "B", ttlMs: LONG_TTL });
			await cp.releaseLease(b, "done");
			expect(await both("t")).toEqual({ status: "done", lease: null });
			await cp.deleteThread("t");
			expect(await both("t")).toBeUndefined();
			expect(await codeOf(threadLeaseOf(cp, "not a valid id\u0000"))).toBe(
				"INVALID_ID",
			);
		});

		it("hands out strictly growing tokens per thread, independent of other threads", async () => {
			const cp = ctx.checkpointer();
			const tokens: number[] = [];
			for (let i = 0; i < 5; i++) {
				const lease = await cp.acquireLease("t", {
					owner: `r${i}`,
					ttlMs: LONG_TTL,
				});
				tokens.push(lease.token);
				await cp.releaseLease(lease, "done");
			}
			expect(tokens).toEqual([1, 2, 3, 4, 5]);
			expect(
				(await cp.acquireLease("other", { owner: "x", ttlMs: LONG_TTL })).token,
			).toBe(1);
		});

		it("refuses every fenced write of a runner whose lease was taken over, writing nothing", async () => {
			const cp = ctx.checkpointer();
			const a = await cp.acquireLease("t", { owner: "A", ttlMs: SHORT_TTL });
			const root = record({ threadId: "t" });
			expect(await cp.put(root, { fence: a.token })).toMatchObject({ seq: 1 });
			await cp.setThreadStatus("t", "running", { fence: a.token });
			await outlast();
			const b = await cp.acquireLease("t", { owner: "B", ttlMs: LONG_TTL });
			await cp.setThreadStatus("t", "interrupted", { fence: b.token });

			const [late] = chainAfter(root, 1);
			expect(await codeOf(cp.put(late!, { fence: a.token }))).toBe(
				"LEASE_LOST",
			);
			expect(
				await codeOf(
					cp.putWrites(
						{ threadId: "t", checkpointId: root.checkpointId },
						[{ kind: "resume", taskId: "n", index: 0, value: "late" }],
						{ fence: a.token },
					),
				),
			).toBe("LEASE_LOST");
			expect(
				await codeOf(cp.setThreadStatus("t", "failed", { fence: a.token })),
			).toBe("LEASE_LOST");
			expect(await cp.releaseLease(a, "failed")).toBe(false);

			const tuple = await cp.getTuple({ threadId: "t" });
			expect(tuple?.checkpoint.checkpointId).toBe(root.checkpointId);
			expect(tuple?.pendingWrites).toEqual([]);
			expect(await all(cp.list({ threadId: "t" }))).toHaveLength(1);
			const info = await cp.getThread("t");
			expect(info?.status).toBe("interrupted");
			expect(info?.lease).toMatchObject({ token: b.token, owner: "B" });

			// the new holder commits
			const [next] = chainAfter(root, 1);
			expect(await cp.put(next!, { fence: b.token })).toMatchObject({ seq: 2 });
			await cp.putWrites(
				{ threadId: "t", checkpointId: next!.checkpointId },
				[{ kind: "resume", taskId: "n", index: 0, value: "B" }],
				{ fence: b.token },
			);
			expect(await cp.releaseLease(b, "done")).toBe(true);
			expect((await cp.getThread("t"))?.status).toBe("done");
		});

		it("never hands a deleted thread's tokens out again: a run on a thread deleted under it cannot touch a new thread of the same id", async () => {
			const cp = ctx.checkpointer();
			// the old thread's runs: a few tokens, the last one still held when the thread is deleted
			for (let i = 0; i < 2; i++)
				await cp.releaseLease(
					await cp.acquireLease("t", { owner: `old${i}`, ttlMs: LONG_TTL }),
					"done",
				);
			const zombie = await cp.acquireLease("t", {
				owner: "zombie",
				ttlMs: LONG_TTL,
			});
			const old = record({ threadId: "t" });
			await cp.put(old, { fence: zombie.token });
			await cp.deleteThread("t");
			// made again under the same id: a new runner, holding the lease, with its first checkpoint
			const fresh = await cp.acquireLease("t", {
				owner: "fresh",
				ttlMs: LONG_TTL,
			});
			expect(fresh.token).toBeGreaterThan(zombie.token);
			const root = record({ threadId: "t" });
			await cp.put(root, { fence: fresh.token });
			await cp.setThreadStatus("t", "running", { fence: fresh.token });
			// whatever the zombie still does is refused, and changes nothing
			expect(
				await codeOf(
					cp.put(record({ threadId: "t" }), { fence: zombie.token }),
				),
			).toBe("LEASE_LOST");
			expect(
				await codeOf(
					cp.putWrites(
						{ threadId: "t", checkpointId: root.checkpointId },
						[{ kind: "resume", taskId: "n", index: 0, value: "late" }],
						{ fence: zombie.token },
					),
				),
			).toBe("LEASE_LOST");
			expect(
				await codeOf(
					cp.setThreadStatus("t", "failed", { fence: zombie.token }),
				),
			).toBe("LEASE_LOST");
			expect(await codeOf(cp.renewLease(zombie, LONG_TTL))).toBe("LEASE_LOST");
			expect(await cp.releaseLease(zombie, "failed")).toBe(false);
			const info = await cp.getThread("t");
			expect(info).toMatchObject({
				status: "running",
				checkpointId: root.checkpointId,
				checkpoints: 1,
				lease: { token: fresh.token, owner: "fresh" },
			});
			expect((await cp.getTuple({ threadId: "t" }))?.pendingWrites).toEqual([]);
			// a thread made after the delete without a lease first starts above the deleted tokens too
			await cp.deleteThread("t");
			await cp.setThreadStatus("t", "interrupted");
			const later = await cp.acquireLease("t", {
				owner: "later",
				ttlMs: LONG_TTL,
			});
			expect(later.token).toBeGreaterThan(fresh.token);
		});

		it("refuses a fenced write on a thread nobody holds, and lets unfenced writes through", async () => {
			const cp = ctx.checkpointer();
			expect(
				await codeOf(cp.put(record({ threadId: "t" }), { fence: 1 })),
			).toBe("LEASE_LOST");
			expect(await codeOf(cp.setThreadStatus("t", "done", { fence: 1 }))).toBe(
				"LEASE_LOST",
			);
			expect(await cp.getThread("t")).toBeUndefined();
			const a = await cp.acquireLease("t", { owner: "A", ttlMs: LONG_TTL });
			expect(
				await codeOf(cp.put(record({ threadId: "t" }), { fence: a.token + 1 })),
			).toBe("LEASE_LOST");
			// an unfenced write (e.g. updateState) is not checked against the lease
			const root = record({ threadId: "t" });
			await cp.put(root);
			await cp.putWrites({ threadId: "t", checkpointId: root.checkpointId }, [
				{ kind: "resume", taskId: "n", index: 0, value: 1 },
			]);
			expect((await cp.getThread("t"))?.checkpointId).toBe(root.checkpointId);
		});

		it("refuses nonsense lease arguments with typed errors", async () => {
			const cp = ctx.checkpointer();
			for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
				expect(await codeOf(cp.acquireLease("t", { owner: "A", ttlMs }))).toBe(
					"CONFIG_INVALID",
				);
			expect(await codeOf(cp.acquireLease("t", { owner: "", ttlMs: 10 }))).toBe(
				"INVALID_ID",
			);
			expect(await codeOf(cp.setThreadStatus("t", "stale" as "running"))).toBe(
				"CONFIG_INVALID",
			);
			expect(await cp.getThread("t")).toBeUndefined();
		});
	});
}
