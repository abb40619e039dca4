import { describe, expect, it } from "vitest";
import type { PruneOptions } from "../checkpointer.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";
import { all, codeOf } from "./helpers.ts";

const ids = (xs: { checkpointId: string }[]) => xs.map((x) => x.checkpointId);

/** What prune must never remove, and the arguments it refuses. */
export function pruneCases(ctx: ConformanceContext): void {
	describe("pruning safely", () => {
		it("refuses nonsense arguments with CONFIG_INVALID and removes nothing", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			for (const r of chainAfter(root, 3)) await cp.put(r);
			const bad: unknown[] = [
				{ keepLast: 0 },
				{ keepLast: -1 },
				{ keepLast: 1.5 },
				{ keepLast: Number.NaN },
				{ keepLast: Number.POSITIVE_INFINITY },
				{ keepLast: "2" },
				{ keepSince: new Date("not a date") },
				{ keepSince: "2020-01-01" },
				{ keepLast: 2, keepSince: new Date(Number.NaN) },
				{},
			];
			for (const options of bad)
				expect(
					await codeOf(cp.prune("thread", options as PruneOptions)),
					JSON.stringify(options),
				).toBe("CONFIG_INVALID");
			expect(await all(cp.list({ threadId: "thread" }))).toHaveLength(4);
			// refused also for a thread that does not exist
			expect(await codeOf(cp.prune("nobody", { keepLast: 0 }))).toBe(
				"CONFIG_INVALID",
			);
		});

		it("never removes a head: keepLast 1 keeps the head of every branch and the chains they need", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const trunk = chainAfter(root, 4);
			for (const r of trunk) await cp.put(r);
			const fork = chainAfter(trunk[0]!, 2);
			for (const r of fork) await cp.put(r);
			// the trunk's head is older (lower seq) than everything on the fork
			expect(ids(await cp.heads({ threadId: "thread" }))).toEqual(
				ids([fork[1]!, trunk[3]!]),
			);
			await cp.prune("thread", { keepLast: 1 });
			const heads = await cp.heads({ threadId: "thread" });
			expect(ids(heads)).toEqual(ids([fork[1]!, trunk[3]!]));
			for (const head of heads) {
				const chain = await cp.getChain({
					threadId: "thread",
					checkpointId: head.checkpointId,
				});
				expect(chain[0]?.checkpointId).toBe(root.checkpointId);
			}
		});

		it("keeps heads with a rebuild: each head that loses its parent gets a snapshot", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: { log: [] } });
			await cp.put(root);
			const trunk = chainAfter(root, 4);
			for (const r of trunk) await cp.put(r);
			const fork = chainAfter(trunk[0]!, 2);
			for (const r of fork) await cp.put(r);
			const removed = await cp.prune("thread", {
				keepLast: 1,
				rebuild: (chain) => ({ steps: chain.map((c) => c.step) }),
			});
			expect(removed).toBe(5);
			const left = await all(cp.list({ threadId: "thread" }));
			expect(ids(left)).toEqual(ids([fork[1]!, trunk[3]!]));
			const trunkTip = await cp.getChain({
				threadId: "thread",
				checkpointId: trunk[3]!.checkpointId,
			});
			expect(trunkTip.map((c) => c.data.snapshot)).toEqual([
				{ steps: [0, 1, 2, 3, 4] },
			]);
		});

		it("keeps a checkpoint with a pending interrupt, also on an old branch", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const trunk = chainAfter(root, 4);
			for (const r of trunk) await cp.put(r);
			// a pause on the trunk that later steps went past: it is no head
			const paused = trunk[1]!;
			await cp.putWrites(
				{ threadId: "thread", checkpointId: paused.checkpointId },
				[
					{
						kind: "interrupt",
						taskId: "n",
						node: "n",
						id: "approve",
						index: 0,
						value: "ok?",
					},
				],
			);
			const removed = await cp.prune("thread", {
				keepLast: 1,
				rebuild: () => ({ rebuilt: true }),
			});
			expect(removed).toBeGreaterThan(0);
			const tuple = await cp.getTuple({
				threadId: "thread",
				checkpointId: paused.checkpointId,
			});
			expect(tuple?.pendingWrites.map((w) => w.kind)).toEqual(["interrupt"]);
			const chain = await cp.getChain({
				threadId: "thread",
				checkpointId: paused.checkpointId,
			});
			expect(chain.at(-1)?.checkpointId).toBe(paused.checkpointId);
		});

		it("keeps the heads when keepSince lies in the future (a clock ahead)", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: {} });
			await cp.put(root);
			const chain = chainAfter(root, 5);
			for (const r of chain) await cp.put(r);
			const future = new Date(Date.now() + 3_600_000);
			await cp.prune("thread", { keepSince: future });
			const head = await cp.getTuple({ threadId: "thread" });
			expect(head?.checkpoint.checkpointId).toBe(chain[4]!.checkpointId);
			// without rebuild, its chain stays complete
			expect(
				(
					await cp.getChain({
						threadId: "thread",
						checkpointId: chain[4]!.checkpointId,
					})
				).length,
			).toBe(6);
			expect(
				await cp.prune("thread", {
					keepSince: future,
					rebuild: () => ({ all: true }),
				}),
			).toBe(5);
			const left = await all(cp.list({ threadId: "thread" }));
			expect(ids(left)).toEqual([chain[4]!.checkpointId]);
			expect(
				(
					await cp.getChain({
						threadId: "thread",
						checkpointId: chain[4]!.checkpointId,
					})
				)[0]?.data.snapshot,
			).toEqual({ all: true });
			expect((await cp.getThread("thread"))?.heads).toEqual([
				chain[4]!.checkpointId,
			]);
		});
	});
}
