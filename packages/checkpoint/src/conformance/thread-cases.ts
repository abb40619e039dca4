import { describe, expect, it } from "vitest";
import type { CheckpointSummary } from "../record.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const x of it) out.push(x);
	return out;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Thread listing, status, deletion and pruning. */
export function threadCases(ctx: ConformanceContext): void {
	describe("managing threads", () => {
		it("lists threads with status, latest checkpoint, step and count, most recently updated first", async () => {
			const cp = ctx.checkpointer();
			const a = record({ threadId: "a" });
			await cp.put(a);
			for (const r of chainAfter(a, 2)) await cp.put(r);
			await cp.put(record({ threadId: "a", ns: "sub" }));
			await tick();
			await cp.put(record({ threadId: "b" }));
			await tick();
			await cp.setThreadStatus("a", "interrupted");
			await tick();
			await cp.setThreadStatus("b", "done");
			const threads = await cp.listThreads();
			expect(
				threads.map((t) => [t.threadId, t.status, t.step, t.checkpoints]),
			).toEqual([
				["b", "done", 0, 1],
				["a", "interrupted", 2, 3],
			]);
			const latestA = await cp.getTuple({ threadId: "a" });
			expect(threads[1]?.checkpointId).toBe(latestA?.checkpoint.checkpointId);
			expect(threads[0]!.updatedAt >= threads[1]!.updatedAt).toBe(true);
			expect(
				(await cp.listThreads({ status: "interrupted" })).map(
					(t) => t.threadId,
				),
			).toEqual(["a"]);
			expect(await cp.listThreads({ limit: 1 })).toHaveLength(1);
			// recorded as running without a lease: its runner is gone, so it reads as stale
			await cp.setThreadStatus("c", "running");
			expect(await cp.listThreads({ status: "running" })).toEqual([]);
			expect((await cp.listThreads({ status: "stale" }))[0]).toMatchObject({
				threadId: "c",
				checkpointId: null,
				checkpoints: 0,
			});
		});

		it("deletes one thread with every namespace and pending write, and nothing else", async () => {
			const cp = ctx.checkpointer();
			for (const threadId of ["keep", "drop"]) {
				const root = record({ threadId });
				await cp.put(root);
				await cp.putWrites({ threadId, checkpointId: root.checkpointId }, [
					{ kind: "resume", taskId: "x", index: 0, value: 1 },
				]);
				await cp.put(record({ threadId, ns: "sub" }));
				await cp.setThreadStatus(threadId, "done");
			}
			await cp.deleteThread("drop");
			expect(await cp.getTuple({ threadId: "drop" })).toBeUndefined();
			expect(
				await cp.getTuple({ threadId: "drop", ns: "sub" }),
			).toBeUndefined();
			expect((await cp.listThreads()).map((t) => t.threadId)).toEqual(["keep"]);
			expect(
				(await cp.getTuple({ threadId: "keep" }))?.pendingWrites,
			).toHaveLength(1);
			await cp.deleteThread("never-existed");
		});

		it("prunes to the newest N, keeping older checkpoints that kept ones still need", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: { log: [] } });
			await cp.put(root);
			const chain = chainAfter(root, 20);
			for (const r of chain) await cp.put(r);
			expect(await cp.prune("thread", { keepLast: 5 })).toBe(0);
			const snap = record({
				parentId: chain[19]!.checkpointId,
				step: 21,
				snapshot: { log: "all" },
				writes: [["node", "log", 21]],
			});
			await cp.put(snap);
			for (const r of chainAfter(snap, 4)) await cp.put(r);
			expect(await cp.prune("thread", { keepLast: 3 })).toBe(21);
			const left: CheckpointSummary[] = await all(
				cp.list({ threadId: "thread" }),
			);
			expect(left.map((s) => s.step)).toEqual([25, 24, 23, 22, 21]);
			const tip = await cp.getChain({
				threadId: "thread",
				checkpointId: left[0]!.checkpointId,
			});
			expect(tip[0]?.data.snapshot).toEqual({ log: "all" });
		});

		it("prunes with a rebuild: the oldest kept checkpoint gets a snapshot, the rest goes", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: { log: [] } });
			await cp.put(root);
			const chain = chainAfter(root, 10);
			for (const r of chain) await cp.put(r);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: chain[2]!.checkpointId },
				[{ kind: "resume", taskId: "n", index: 0, value: 1 }],
			);
			const removed = await cp.prune("thread", {
				keepLast: 4,
				rebuild: (c) => ({
					log: c.flatMap((x) => x.data.writes.map((w) => w[2])),
				}),
			});
			expect(removed).toBe(7);
			const left = await all(cp.list({ threadId: "thread" }));
			expect(left.map((s) => s.step)).toEqual([10, 9, 8, 7]);
			expect(left[3]?.metadata.snapshot).toBe(true);
			const tip = await cp.getChain({
				threadId: "thread",
				checkpointId: left[0]!.checkpointId,
			});
			expect(tip.map((c) => c.step)).toEqual([7, 8, 9, 10]);
			expect(tip[0]?.data.snapshot).toEqual({ log: [1, 2, 3, 4, 5, 6, 7] });
			expect(
				await cp.getTuple({
					threadId: "thread",
					checkpointId: chain[2]!.checkpointId,
				}),
			).toBeUndefined();
		});

		it("prunes branches: a kept checkpoint keeps every ancestor its chain needs", async () => {
			const cp = ctx.checkpointer();
			const a = record({ snapshot: { log: [] } });
			await cp.put(a);
			const [b] = chainAfter(a, 1);
			const [c] = chainAfter(a, 1);
			await cp.put(b!);
			await cp.put(c!);
			const [d] = chainAfter(b!, 1);
			await cp.put(d!);
			const [e] = chainAfter(c!, 1);
			await cp.put(e!);
			expect(await cp.prune("thread", { keepLast: 2 })).toBe(0);
			const chain = await cp.getChain({
				threadId: "thread",
				checkpointId: e!.checkpointId,
			});
			expect(chain.map((x) => x.checkpointId)).toEqual(
				[a, c, e].map((x) => x!.checkpointId),
			);
			const rebuilt = await cp.prune("thread", {
				keepLast: 2,
				rebuild: (ch) => ({ steps: ch.length }),
			});
			expect(rebuilt).toBe(3);
			for (const tip of [d!, e!]) {
				const tail = await cp.getChain({
					threadId: "thread",
					checkpointId: tip.checkpointId,
				});
				expect(tail.map((x) => x.checkpointId)).toEqual([tip.checkpointId]);
				expect(tail[0]?.data.snapshot).toEqual({ steps: 3 });
			}
		});

		it("refuses a prune that names nothing to keep", async () => {
			const cp = ctx.checkpointer();
			await cp.put(record());
			await expect(cp.prune("thread", {})).rejects.toMatchObject({
				code: "CONFIG_INVALID",
			});
			expect(await cp.getTuple({ threadId: "thread" })).toBeDefined();
		});

		it("prunes by age with keepSince", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: {} });
			await cp.put(root);
			for (const r of chainAfter(root, 3)) await cp.put(r);
			await tick();
			const since = new Date();
			await tick();
			const latest = await cp.getTuple({ threadId: "thread" });
			const fresh = chainAfter(latest!.checkpoint, 2);
			for (const r of fresh) await cp.put(r);
			expect(
				await cp.prune("thread", {
					keepSince: since,
					rebuild: () => ({ rebuilt: true }),
				}),
			).toBe(4);
			expect(
				(await all(cp.list({ threadId: "thread" }))).map((s) => s.step),
			).toEqual([5, 4]);
		});
	});
}
