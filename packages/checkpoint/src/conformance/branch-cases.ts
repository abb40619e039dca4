import { describe, expect, it } from "vitest";
import type { CheckpointRecord, PendingWrite } from "../record.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";
import { all, codeOf, idAt } from "./helpers.ts";

const ids = (xs: { checkpointId: string }[]) => xs.map((x) => x.checkpointId);

/** A record with a chosen id and creation time (a writer with its own clock). */
function made(
	init: Parameters<typeof record>[0],
	checkpointId: string,
	createdAt?: string,
): CheckpointRecord {
	const r = record(init);
	return { ...r, checkpointId, createdAt: createdAt ?? r.createdAt };
}

/** Store order (seq) independent of ids and clocks, and branch heads. */
export function branchCases(ctx: ConformanceContext): void {
	describe("store order and branches", () => {
		it("gives each checkpoint the thread's next seq, across namespaces, in commit order", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			expect(await cp.put(root)).toMatchObject({ seq: 1 });
			const sub = record({ ns: "sub" });
			expect(await cp.put(sub)).toMatchObject({ seq: 2 });
			const [child] = chainAfter(root, 1);
			const { seq, size } = await cp.put(child!);
			expect(seq).toBe(3);
			expect(size).toBeGreaterThan(0);
			expect(await cp.put(record({ threadId: "other" }))).toMatchObject({
				seq: 1,
			});
			const tuple = await cp.getTuple({ threadId: "thread" });
			expect(tuple?.checkpoint.seq).toBe(3);
			const chain = await cp.getChain({
				threadId: "thread",
				checkpointId: child!.checkpointId,
			});
			expect(chain.map((c) => c.seq)).toEqual([1, 3]);
			expect(
				(await all(cp.list({ threadId: "thread" }))).map((s) => s.seq),
			).toEqual([3, 1]);
			expect(
				(await all(cp.list({ threadId: "thread", ns: "sub" }))).map(
					(s) => s.seq,
				),
			).toEqual([2]);
		});

		it("reads the last committed checkpoint as newest even when its writer's clock is 60 s behind", async () => {
			const cp = ctx.checkpointer();
			const now = Date.now();
			const root = made({}, idAt(now, 1));
			const first = made(
				{ parentId: root.checkpointId, step: 1, writes: [["n", "x", 1]] },
				idAt(now, 2),
			);
			// a second process, its clock a minute behind, commits the next step
			const behind = new Date(now - 60_000);
			const skewed = made(
				{ parentId: first.checkpointId, step: 2, writes: [["n", "x", 2]] },
				idAt(behind.getTime()),
				behind.toISOString(),
			);
			for (const r of [root, first, skewed]) await cp.put(r);
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
			).toBe(skewed.checkpointId);
			const listed = await all(cp.list({ threadId: "thread" }));
			expect(ids(listed)).toEqual(ids([skewed, first, root]));
			expect(
				ids(
					await all(
						cp.list({ threadId: "thread" }, { before: skewed.checkpointId }),
					),
				),
			).toEqual(ids([first, root]));
			expect(
				ids(
					await all(
						cp.list(
							{ threadId: "thread" },
							{ before: first.checkpointId, limit: 5 },
						),
					),
				),
			).toEqual(ids([root]));
			const info = await cp.getThread("thread");
			expect(info).toMatchObject({
				checkpointId: skewed.checkpointId,
				step: 2,
				checkpoints: 3,
				heads: [skewed.checkpointId],
			});
			expect((await cp.listThreads())[0]?.checkpointId).toBe(
				skewed.checkpointId,
			);
			expect(ids(await cp.heads({ threadId: "thread" }))).toEqual([
				skewed.checkpointId,
			]);
		});

		it("orders by commit, not by id: ids that sort backwards still list newest first", async () => {
			const cp = ctx.checkpointer();
			const root = made({}, "c");
			const b = made({ parentId: "c", step: 1 }, "b");
			const a = made({ parentId: "b", step: 2 }, "a");
			for (const r of [root, b, a]) await cp.put(r);
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
			).toBe("a");
			expect(ids(await all(cp.list({ threadId: "thread" })))).toEqual([
				"a",
				"b",
				"c",
			]);
			expect(
				ids(await all(cp.list({ threadId: "thread" }, { before: "b" }))),
			).toEqual(["c"]);
			expect(
				ids(await all(cp.list({ threadId: "thread" }, { before: "missing" }))),
			).toEqual([]);
		});

		it("lists the heads of every branch after a fork, newest first, per namespace", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const trunk = chainAfter(root, 3);
			for (const r of trunk) await cp.put(r);
			expect(ids(await cp.heads({ threadId: "thread" }))).toEqual(
				ids([trunk[2]!]),
			);
			// fork from the first step: a second branch
			const fork = chainAfter(trunk[0]!, 2, { metadata: { branch: "fork" } });
			for (const r of fork) await cp.put(r);
			const heads = await cp.heads({ threadId: "thread" });
			expect(ids(heads)).toEqual(ids([fork[1]!, trunk[2]!]));
			expect(heads[0]).toMatchObject({ step: 3, seq: 6 });
			expect(heads.every((h) => !("data" in h))).toBe(true);
			let info = await cp.getThread("thread");
			expect(info?.heads).toEqual(ids([fork[1]!, trunk[2]!]));
			expect(info?.checkpointId).toBe(fork[1]!.checkpointId);
			// the older branch moves on: it is the newest head now
			const [more] = chainAfter(trunk[2]!, 1);
			await cp.put(more!);
			info = await cp.getThread("thread");
			expect(info?.heads).toEqual(ids([more!, fork[1]!]));
			expect((await cp.listThreads())[0]?.heads).toEqual(info?.heads);
			// a subgraph namespace has its own heads; the root's are unchanged
			const inner = record({ ns: "sub" });
			await cp.put(inner);
			expect(ids(await cp.heads({ threadId: "thread", ns: "sub" }))).toEqual([
				inner.checkpointId,
			]);
			expect(ids(await cp.heads({ threadId: "thread" }))).toEqual(
				ids([more!, fork[1]!]),
			);
			expect(await cp.heads({ threadId: "nobody" })).toEqual([]);
		});

		it("takes a second root beside a thread's first (a run from the empty state), but not an exclusive one", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const [child] = chainAfter(root, 1);
			await cp.put(child!);
			expect(await codeOf(cp.put(record(), { exclusive: true }))).toBe(
				"CHECKPOINT_CONFLICT",
			);
			const second = record({ snapshot: { n: 2 } });
			expect(await cp.put(second)).toMatchObject({ seq: 3 });
			expect(ids(await cp.heads({ threadId: "thread" }))).toEqual(
				ids([second, child!]),
			);
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
			).toBe(second.checkpointId);
			expect(
				await cp.getChain({
					threadId: "thread",
					checkpointId: second.checkpointId,
				}),
			).toHaveLength(1);
		});

		it("keeps each branch's records apart: a write on one branch never shows on another", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const [paused] = chainAfter(root, 1);
			await cp.put(paused!);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: paused!.checkpointId },
				[
					{
						kind: "interrupt",
						taskId: "n",
						node: "n",
						id: "i1",
						index: 0,
						value: "approve?",
					},
				],
			);
			// a replay from the root makes its own checkpoint for the same step
			const [replay] = chainAfter(root, 1, { metadata: { replay: true } });
			await cp.put(replay!);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: replay!.checkpointId },
				[{ kind: "once", taskId: "n", key: "rcpt", value: "rcpt#2" }],
			);
			const original = await cp.getTuple({
				threadId: "thread",
				checkpointId: paused!.checkpointId,
			});
			expect(original?.pendingWrites.map((w) => w.kind)).toEqual(["interrupt"]);
			expect(ids(await cp.heads({ threadId: "thread" }))).toEqual(
				ids([replay!, paused!]),
			);
		});
		it("stores a checkpoint's carried pending writes with it, in one transaction: a refused put stores neither", async () => {
			const cp = ctx.checkpointer();
			const root = record({ threadId: "c" });
			await cp.put(root);
			const carried: PendingWrite[] = [
				{ kind: "once", taskId: "t1", key: "mail", value: { sent: 1 } },
				{
					kind: "interrupt",
					taskId: "t1",
					node: "n",
					id: "i1",
					index: 0,
					value: "ok?",
				},
			];
			const copy = record({
				threadId: "c",
				parentId: root.checkpointId,
				step: 0,
			});
			expect(
				await codeOf(cp.put(copy, { pendingWrites: carried, fence: 99 })),
			).toBe("LEASE_LOST");
			expect(
				await cp.getTuple({ threadId: "c", checkpointId: copy.checkpointId }),
			).toBeUndefined();
			await cp.put(copy, { pendingWrites: carried });
			const tuple = await cp.getTuple({ threadId: "c" });
			expect(tuple?.checkpoint.checkpointId).toBe(copy.checkpointId);
			expect(tuple?.pendingWrites).toEqual(carried);
			// later writes go after them
			const more: PendingWrite = {
				kind: "resume",
				taskId: "t1",
				index: 0,
				value: "yes",
			};
			await cp.putWrites({ threadId: "c", checkpointId: copy.checkpointId }, [
				more,
			]);
			expect(
				(await cp.getTuple({ threadId: "c", checkpointId: copy.checkpointId }))
					?.pendingWrites,
			).toEqual([...carried, more]);
			// the checkpoint it came from keeps none of them
			expect(
				(await cp.getTuple({ threadId: "c", checkpointId: root.checkpointId }))
					?.pendingWrites,
			).toEqual([]);
		});
	});
}
