import { describe, expect, it } from "vitest";
import { isWeftError } from "../errors.ts";
import type { PendingWrite } from "../record.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record, richValues } from "./fixtures.ts";

/** put, getTuple, getChain and pending writes. */
export function storageCases(ctx: ConformanceContext): void {
	describe("storing and reading checkpoints", () => {
		it("round-trips every supported value type through snapshot, writes, tasks and pending writes", async () => {
			const cp = ctx.checkpointer();
			const values = richValues();
			const root = record({
				snapshot: values,
				tasks: [{ id: "n#0", node: "n", input: values }],
			});
			await cp.put(root);
			const child = record({
				parentId: root.checkpointId,
				step: 1,
				writes: [["n", "x", values]],
			});
			await cp.put(child);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: child.checkpointId },
				[{ kind: "once", taskId: "n", key: "k", value: values }],
			);
			const tuple = await cp.getTuple({
				threadId: "thread",
				checkpointId: root.checkpointId,
			});
			expect(tuple?.checkpoint.data.snapshot).toEqual(values);
			expect(tuple?.checkpoint.data.tasks[0]?.input).toEqual(values);
			const chain = await cp.getChain({
				threadId: "thread",
				checkpointId: child.checkpointId,
			});
			expect(chain[1]?.data.writes[0]?.[2]).toEqual(values);
			const written = await cp.getTuple({
				threadId: "thread",
				checkpointId: child.checkpointId,
			});
			expect(written?.pendingWrites[0]).toEqual({
				kind: "once",
				taskId: "n",
				key: "k",
				value: values,
			});
			expect(Object.prototype).not.toHaveProperty("polluted");
			expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		});

		it("returns what it stored: ids, links, step, source, metadata, size", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: { a: 1 }, metadata: { user: "ann" } });
			const { size } = await cp.put(root);
			const tuple = await cp.getTuple({ threadId: "thread" });
			expect(tuple?.checkpoint).toMatchObject({
				threadId: "thread",
				ns: "",
				checkpointId: root.checkpointId,
				parentId: null,
				step: 0,
				source: "input",
				createdAt: root.createdAt,
				metadata: root.metadata,
				size,
			});
			expect(size).toBeGreaterThan(0);
			expect(tuple?.hasChildren).toBe(false);
			expect(tuple?.pendingWrites).toEqual([]);
		});

		it("reads the newest checkpoint of a namespace when no id is given, and nothing for unknown threads", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const chain = chainAfter(root, 2);
			for (const r of chain) await cp.put(r);
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
			).toBe(chain[1]!.checkpointId);
			expect(await cp.getTuple({ threadId: "nobody" })).toBeUndefined();
			expect(
				await cp.getTuple({ threadId: "thread", checkpointId: "missing" }),
			).toBeUndefined();
		});

		it("keeps pending writes of every kind in the order written", async () => {
			const cp = ctx.checkpointer();
			const root = record({ tasks: [{ id: "a", node: "a" }] });
			await cp.put(root);
			const writes: PendingWrite[] = [
				{ kind: "once-start", taskId: "a", key: "mail" },
				{ kind: "once", taskId: "a", key: "mail", value: { sent: true } },
				{
					kind: "done",
					taskId: "b",
					node: "b",
					writes: [["b", "x", 1]],
					goto: ["c", { node: "d", input: { i: 1 } }],
				},
				{
					kind: "interrupt",
					taskId: "a",
					node: "a",
					id: "i1",
					index: 0,
					value: { q: "?" },
				},
				{ kind: "resume", taskId: "a", index: 0, value: "yes" },
				{
					kind: "interrupt",
					taskId: "~after",
					node: "a",
					id: "i2",
					index: 0,
					value: null,
					when: "after",
				},
				{
					kind: "error",
					taskId: "c",
					node: "c",
					code: "NODE_FAILED",
					message: "boom",
				},
			];
			await cp.putWrites(
				{ threadId: "thread", checkpointId: root.checkpointId },
				writes.slice(0, 3),
			);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: root.checkpointId },
				writes.slice(3),
			);
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.pendingWrites,
			).toEqual(writes);
		});

		it("refuses pending writes for a checkpoint that does not exist", async () => {
			const cp = ctx.checkpointer();
			const error = await cp
				.putWrites({ threadId: "thread", checkpointId: "missing" }, [
					{ kind: "resume", taskId: "a", index: 0, value: 1 },
				])
				.catch((e: unknown) => e);
			expect(isWeftError(error, "CHECKPOINT_NOT_FOUND")).toBe(true);
		});

		it("walks a chain back to the nearest snapshot, and stops where told", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: { log: [] } });
			await cp.put(root);
			const first = chainAfter(root, 3);
			for (const r of first) await cp.put(r);
			const snap = record({
				parentId: first[2]!.checkpointId,
				step: 4,
				snapshot: { log: [1, 2, 3, 4] },
				writes: [["node", "log", 4]],
			});
			await cp.put(snap);
			const second = chainAfter(snap, 3);
			for (const r of second) await cp.put(r);
			const chain = await cp.getChain({
				threadId: "thread",
				checkpointId: second[2]!.checkpointId,
			});
			expect(chain.map((c) => c.step)).toEqual([4, 5, 6, 7]);
			expect(chain[0]?.data.snapshot).toEqual({ log: [1, 2, 3, 4] });
			const toRoot = await cp.getChain({
				threadId: "thread",
				checkpointId: first[2]!.checkpointId,
			});
			expect(toRoot.map((c) => c.step)).toEqual([0, 1, 2, 3]);
			const stopped = await cp.getChain(
				{ threadId: "thread", checkpointId: second[2]!.checkpointId },
				{ stopAt: (id) => id === second[0]!.checkpointId },
			);
			expect(stopped.map((c) => c.step)).toEqual([6, 7]);
			const missing = await cp
				.getChain({ threadId: "thread", checkpointId: "missing" })
				.catch((e: unknown) => e);
			expect(isWeftError(missing, "CHECKPOINT_NOT_FOUND")).toBe(true);
		});

		it("keeps a value written only by an early checkpoint reachable across many later steps and forks", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: {} });
			await cp.put(root);
			const early = record({
				parentId: root.checkpointId,
				step: 1,
				writes: [["setup", "config", { model: "m" }]],
			});
			await cp.put(early);
			const long = chainAfter(early, 60);
			for (const r of long) await cp.put(r);
			const fork = chainAfter(long[10]!, 5);
			for (const r of fork) await cp.put(r);
			for (const tip of [long[59]!, fork[4]!]) {
				const chain = await cp.getChain({
					threadId: "thread",
					checkpointId: tip.checkpointId,
				});
				const config = chain
					.flatMap((c) => c.data.writes)
					.find((w) => w[1] === "config");
				expect(config?.[2]).toEqual({ model: "m" });
			}
		});

		it("refuses a checkpoint whose parent does not exist", async () => {
			const cp = ctx.checkpointer();
			const error = await cp
				.put(record({ parentId: "missing", step: 1 }))
				.catch((e: unknown) => e);
			expect(isWeftError(error, "CHECKPOINT_NOT_FOUND")).toBe(true);
			expect(await cp.getTuple({ threadId: "thread" })).toBeUndefined();
		});

		it("refuses a second successor with `exclusive`, storing nothing of it; forks without it are fine", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root, { exclusive: true });
			const again = await cp
				.put(record(), { exclusive: true })
				.catch((e: unknown) => e);
			expect(isWeftError(again, "CHECKPOINT_CONFLICT")).toBe(true);
			const a = record({ parentId: root.checkpointId, step: 1 });
			await cp.put(a, { exclusive: true });
			const b = record({ parentId: root.checkpointId, step: 1 });
			const error = await cp
				.put(b, { exclusive: true })
				.catch((e: unknown) => e);
			expect(isWeftError(error, "CHECKPOINT_CONFLICT")).toBe(true);
			expect(
				await cp.getTuple({ threadId: "thread", checkpointId: b.checkpointId }),
			).toBeUndefined();
			await cp.put(b);
			expect(
				(
					await cp.getTuple({
						threadId: "thread",
						checkpointId: root.checkpointId,
					})
				)?.hasChildren,
			).toBe(true);
			const dup = await cp.put(b).catch((e: unknown) => e);
			expect(isWeftError(dup, "CHECKPOINT_CONFLICT")).toBe(true);
		});

		it("drops the parent's pending writes with `dropParentWrites`, in the same transaction, and nothing else", async () => {
			const cp = ctx.checkpointer();
			const done: PendingWrite = {
				kind: "done",
				taskId: "a",
				node: "a",
				writes: [["a", "x", 1]],
			};
			const pending = async (checkpointId: string, ns?: string) =>
				(await cp.getTuple({ threadId: "thread", ns, checkpointId }))
					?.pendingWrites;
			const root = record();
			await cp.put(root);
			const other = record({ ns: "sub" });
			await cp.put(other);
			for (const c of [root, other])
				await cp.putWrites(
					{ threadId: "thread", ns: c.ns, checkpointId: c.checkpointId },
					[done],
				);
			// a plain child (a fork, an update) leaves them
			await cp.put(record({ parentId: root.checkpointId, step: 1 }));
			expect(await pending(root.checkpointId)).toEqual([done]);
			// a refused put changes nothing
			const refused = await cp
				.put(record({ parentId: root.checkpointId, step: 1 }), {
					exclusive: true,
					dropParentWrites: true,
				})
				.catch((e: unknown) => e);
			expect(isWeftError(refused, "CHECKPOINT_CONFLICT")).toBe(true);
			expect(await pending(root.checkpointId)).toEqual([done]);
			const child = record({ parentId: root.checkpointId, step: 1 });
			await cp.put(child, { dropParentWrites: true });
			expect(await pending(root.checkpointId)).toEqual([]);
			expect(await pending(other.checkpointId, "sub")).toEqual([done]);
			// the parent itself and the rest of its chain stay readable
			expect(
				(
					await cp.getChain({
						threadId: "thread",
						checkpointId: child.checkpointId,
					})
				).map((c) => c.checkpointId),
			).toEqual([root.checkpointId, child.checkpointId]);
		});
	});
}
