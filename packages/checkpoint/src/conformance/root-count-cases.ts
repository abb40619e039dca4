import { describe, expect, it } from "vitest";
import type { Checkpointer } from "../checkpointer.ts";
import type { CheckpointRecord, PendingWrite } from "../record.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";
import { all, codeOf, LONG_TTL } from "./helpers.ts";

/** What a full scan of a thread's root namespace says its count and heads (newest first) are. */
async function scanned(
	cp: Checkpointer,
	threadId: string,
): Promise<{ checkpoints: number; heads: string[] }> {
	const rows = await all(cp.list({ threadId }));
	const parents = new Set(rows.map((r) => r.parentId));
	return {
		checkpoints: rows.length,
		heads: rows
			.filter((r) => !parents.has(r.checkpointId))
			.map((r) => r.checkpointId),
	};
}

/** getThread, listThreads and heads() agree with a full scan of the thread. */
async function expectAsScanned(
	cp: Checkpointer,
	threadId: string,
): Promise<void> {
	const want = await scanned(cp, threadId);
	const info = await cp.getThread(threadId);
	expect({ checkpoints: info?.checkpoints, heads: info?.heads }).toEqual(want);
	const listed = (await cp.listThreads()).find((t) => t.threadId === threadId);
	expect({ checkpoints: listed?.checkpoints, heads: listed?.heads }).toEqual(
		want,
	);
	expect(
		(await cp.heads({ threadId })).map((h) => h.checkpointId),
		"heads()",
	).toEqual(want.heads);
	expect(
		(await cp.heads({ threadId, ns: "" })).map((h) => h.checkpointId),
	).toEqual(want.heads);
}

const interrupt: PendingWrite = {
	kind: "interrupt",
	taskId: "n",
	node: "n",
	id: "approve",
	index: 0,
	value: "ok?",
};

/**
 * A thread's root count and heads, which a store may keep instead of scanning the thread (decision 0139):
 * after every kind of write they equal what a full scan computes.
 */
export function rootCountCases(ctx: ConformanceContext): void {
	describe("a thread's count and heads after every kind of write", () => {
		it("follow puts on a head, forks from older checkpoints, subgraph puts and carried writes", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			await expectAsScanned(cp, "thread");
			const trunk = chainAfter(root, 3);
			for (const r of trunk) await cp.put(r);
			await expectAsScanned(cp, "thread");
			// a fork from an older checkpoint: a new head, the old one stays
			const [fork] = chainAfter(trunk[0]!, 1);
			await cp.put(fork!);
			await expectAsScanned(cp, "thread");
			expect((await cp.getThread("thread"))?.heads).toEqual([
				fork!.checkpointId,
				trunk[2]!.checkpointId,
			]);
			// a second root (a put without parent) is a head too
			await cp.put(record());
			// an exclusive put on a head, carrying writes and dropping its parent's
			const [next] = chainAfter(fork!, 1);
			await cp.put(next!, {
				exclusive: true,
				pendingWrites: [interrupt],
				dropParentWrites: true,
			});
			await expectAsScanned(cp, "thread");
			// a subgraph's checkpoints are not the root's
			const sub = record({ ns: "sub" });
			await cp.put(sub);
			for (const r of chainAfter(sub, 2)) await cp.put(r);
			await cp.put(chainAfter(sub, 1)[0]!);
			await expectAsScanned(cp, "thread");
			expect((await cp.heads({ threadId: "thread", ns: "sub" })).length).toBe(
				2,
			);
			expect((await cp.getThread("thread"))?.checkpoints).toBe(7);
		});

		it("do not move on a refused put (taken parent, missing parent, same id, lost lease)", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const [a] = chainAfter(root, 1);
			await cp.put(a!);
			const before = await scanned(cp, "thread");
			const refused: Array<
				[CheckpointRecord, Parameters<Checkpointer["put"]>[1]]
			> = [
				[chainAfter(root, 1)[0]!, { exclusive: true }],
				[record({ parentId: "00000000-0000-7000-8000-000000000000" }), {}],
				[a!, {}],
				[record(), { exclusive: true }],
			];
			for (const [r, options] of refused)
				expect(await codeOf(cp.put(r, options))).not.toBe("resolved");
			const lease = await cp.acquireLease("thread", {
				owner: "me",
				ttlMs: LONG_TTL,
			});
			expect(
				await codeOf(cp.put(chainAfter(a!, 1)[0]!, { fence: lease.token + 1 })),
			).toBe("LEASE_LOST");
			await expectAsScanned(cp, "thread");
			expect(await scanned(cp, "thread")).toEqual(before);
		});

		it("start right on threads whose row was made before their first checkpoint (setThreadStatus, acquireLease)", async () => {
			const cp = ctx.checkpointer();
			await cp.setThreadStatus("made", "done");
			await expectAsScanned(cp, "made");
			await cp.acquireLease("leased", { owner: "me", ttlMs: LONG_TTL });
			await expectAsScanned(cp, "leased");
			for (const threadId of ["made", "leased"]) {
				// a subgraph's put first: the root still has none
				await cp.put(record({ threadId, ns: "sub" }));
				await expectAsScanned(cp, threadId);
				const root = record({ threadId });
				await cp.put(root);
				for (const r of chainAfter(root, 2)) await cp.put(r);
				await cp.put(chainAfter(root, 1)[0]!);
				await expectAsScanned(cp, threadId);
			}
		});

		it("are recomputed after a prune, where a kept parent whose children went becomes a head", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const trunk = chainAfter(root, 3);
			for (const r of trunk) await cp.put(r);
			const [side] = chainAfter(trunk[0]!, 1);
			await cp.put(side!);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: trunk[0]!.checkpointId },
				[interrupt],
			);
			await cp.put(record({ ns: "sub" }));
			await expectAsScanned(cp, "thread");
			const removed = await cp.prune("thread", {
				keepLast: 1,
				rebuild: () => ({ rebuilt: true }),
			});
			expect(removed).toBeGreaterThan(0);
			await expectAsScanned(cp, "thread");
			// puts after the prune go on from what it left
			await cp.put(chainAfter(side!, 1)[0]!);
			await cp.put(chainAfter(trunk[2]!, 1)[0]!);
			await expectAsScanned(cp, "thread");
			// a prune without rebuild keeps whole chains
			await cp.prune("thread", { keepLast: 1 });
			await expectAsScanned(cp, "thread");
		});

		it("are right for a copy of a thread (its checkpoints put in seq order) and after a delete", async () => {
			const cp = ctx.checkpointer();
			const root = record({ threadId: "src" });
			await cp.put(root);
			const trunk = chainAfter(root, 3);
			for (const r of trunk) await cp.put(r);
			await cp.put(chainAfter(trunk[0]!, 1)[0]!);
			await cp.put(chainAfter(root, 1)[0]!);
			const summaries = (await all(cp.list({ threadId: "src" }))).sort(
				(a, b) => a.seq - b.seq,
			);
			for (const s of summaries) {
				const tuple = await cp.getTuple({
					threadId: "src",
					checkpointId: s.checkpointId,
				});
				const { size: _size, seq: _seq, ...copied } = tuple!.checkpoint;
				await cp.put({ ...copied, threadId: "copy" });
			}
			await expectAsScanned(cp, "copy");
			expect(await scanned(cp, "copy")).toEqual(await scanned(cp, "src"));
			await cp.deleteThread("src");
			expect(await cp.getThread("src")).toBeUndefined();
			expect(await cp.heads({ threadId: "src" })).toEqual([]);
			// a new thread of the same id starts from nothing
			const again = record({ threadId: "src" });
			await cp.put(again);
			await expectAsScanned(cp, "src");
			expect((await cp.getThread("src"))?.checkpoints).toBe(1);
			await expectAsScanned(cp, "copy");
		});
	});
}
