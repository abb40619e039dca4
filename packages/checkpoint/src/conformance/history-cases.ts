import { describe, expect, it } from "vitest";
import type { CheckpointSummary, JsonValue } from "../record.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const x of it) out.push(x);
	return out;
}

/** Listing, paging, filters, forks and namespaces. */
export function historyCases(ctx: ConformanceContext): void {
	describe("listing history", () => {
		it("lists newest first, pages with limit and before, and returns no data blobs", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const chain = chainAfter(root, 600);
			for (const r of chain) await cp.put(r);
			const everything = await all(cp.list({ threadId: "thread" }));
			expect(everything.map((s) => s.step)).toEqual(
				Array.from({ length: 601 }, (_, i) => 600 - i),
			);
			expect(everything.every((s) => !("data" in s))).toBe(true);
			const first = await all(cp.list({ threadId: "thread" }, { limit: 5 }));
			expect(first.map((s) => s.step)).toEqual([600, 599, 598, 597, 596]);
			const next = await all(
				cp.list(
					{ threadId: "thread" },
					{ limit: 3, before: first[4]!.checkpointId },
				),
			);
			expect(next.map((s) => s.step)).toEqual([595, 594, 593]);
			expect(everything[0]?.size).toBeGreaterThan(0);
		});

		it("reads a chain with each checkpoint's pending writes when asked, as getTuple gives them", async () => {
			const cp = ctx.checkpointer();
			const root = record({ snapshot: { log: [] } });
			await cp.put(root);
			const [a, b, c] = chainAfter(root, 3);
			for (const r of [a!, b!, c!]) await cp.put(r);
			const answer = {
				kind: "resume" as const,
				taskId: "node",
				index: 0,
				value: "yes",
			};
			const done = {
				kind: "once" as const,
				taskId: "other",
				key: "k",
				value: { n: 1 },
			};
			await cp.putWrites(
				{ threadId: "thread", checkpointId: a!.checkpointId },
				[answer],
			);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: c!.checkpointId },
				[done, answer],
			);
			const ref = { threadId: "thread", checkpointId: c!.checkpointId };
			const chain = await cp.getChain(ref, { withWrites: true });
			expect(chain.map((r) => r.checkpointId)).toEqual(
				[root, a, b, c].map((r) => r!.checkpointId),
			);
			for (const r of chain) {
				const tuple = await cp.getTuple({
					threadId: "thread",
					checkpointId: r.checkpointId,
				});
				// a store may leave pendingWrites out (callers then use getTuple); one that gives them, gives them all
				if (r.pendingWrites !== undefined)
					expect(r.pendingWrites).toEqual(tuple!.pendingWrites);
				expect(r.data).toEqual(tuple!.checkpoint.data);
			}
			expect(chain[3]!.pendingWrites?.length ?? 2).toBe(2);
			// without the option, no writes are read
			const plain = await cp.getChain(ref, {
				stopAt: (id) => id === a!.checkpointId,
			});
			expect(plain.map((r) => r.pendingWrites)).toEqual([undefined, undefined]);
		});

		it("filters on metadata values by containment (jsonb @>)", async () => {
			const cp = ctx.checkpointer();
			const root = record({ metadata: { run: "a", n: 1 } });
			await cp.put(root);
			const a = record({
				parentId: root.checkpointId,
				step: 1,
				metadata: { run: "b", n: 1 },
			});
			await cp.put(a);
			const b = record({
				parentId: a.checkpointId,
				step: 2,
				metadata: {
					run: "b",
					n: 2,
					flag: null,
					by: { user: "ann", team: "x" },
					tags: ["p", "q"],
				},
			});
			await cp.put(b);
			const byRun = await all(
				cp.list({ threadId: "thread" }, { filter: { run: "b" } }),
			);
			expect(byRun.map((s) => s.step)).toEqual([2, 1]);
			expect(
				(
					await all(
						cp.list({ threadId: "thread" }, { filter: { run: "b", n: 2 } }),
					)
				).map((s) => s.step),
			).toEqual([2]);
			expect(
				(
					await all(cp.list({ threadId: "thread" }, { filter: { flag: null } }))
				).map((s) => s.step),
			).toEqual([2]);
			expect(
				await all(cp.list({ threadId: "thread" }, { filter: { n: "1" } })),
			).toEqual([]);
			expect(
				(await all(cp.list({ threadId: "thread" }, { filter: { nodes: [] } })))
					.length,
			).toBe(3);
			// nested values: an object by its keys, an array by its elements
			const steps = async (filter: Record<string, JsonValue>) =>
				(await all(cp.list({ threadId: "thread" }, { filter }))).map(
					(s) => s.step,
				);
			expect(await steps({ by: { user: "ann" } })).toEqual([2]);
			expect(await steps({ by: { user: "ann", team: "x" } })).toEqual([2]);
			expect(await steps({ by: { user: "bob" } })).toEqual([]);
			expect(await steps({ tags: ["q"] })).toEqual([2]);
			expect(await steps({ tags: ["q", "r"] })).toEqual([]);
			expect(await steps({ by: "ann" })).toEqual([]);
		});

		it("keeps forks apart: each branch's chain holds only its own records", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const trunk = chainAfter(root, 4);
			for (const r of trunk) await cp.put(r);
			const left = chainAfter(trunk[1]!, 3, { metadata: { branch: "left" } });
			const right = chainAfter(trunk[1]!, 3, { metadata: { branch: "right" } });
			for (const r of [...left, ...right]) await cp.put(r);
			await cp.putWrites(
				{ threadId: "thread", checkpointId: left[2]!.checkpointId },
				[{ kind: "resume", taskId: "n", index: 0, value: "L" }],
			);
			const leftChain = await cp.getChain({
				threadId: "thread",
				checkpointId: left[2]!.checkpointId,
			});
			const rightChain = await cp.getChain({
				threadId: "thread",
				checkpointId: right[2]!.checkpointId,
			});
			const ids = (c: { checkpointId: string }[]) =>
				c.map((x) => x.checkpointId);
			expect(ids(leftChain)).toEqual(
				[root, trunk[0], trunk[1], ...left].map((r) => r!.checkpointId),
			);
			expect(ids(rightChain)).toEqual(
				[root, trunk[0], trunk[1], ...right].map((r) => r!.checkpointId),
			);
			expect(
				(
					await cp.getTuple({
						threadId: "thread",
						checkpointId: right[2]!.checkpointId,
					})
				)?.pendingWrites,
			).toEqual([]);
			expect(
				(
					await cp.getTuple({
						threadId: "thread",
						checkpointId: trunk[1]!.checkpointId,
					})
				)?.hasChildren,
			).toBe(true);
			expect(
				(
					await cp.getTuple({
						threadId: "thread",
						checkpointId: left[2]!.checkpointId,
					})
				)?.hasChildren,
			).toBe(false);
			const history: CheckpointSummary[] = await all(
				cp.list({ threadId: "thread" }),
			);
			expect(history).toHaveLength(1 + 4 + 3 + 3);
		});

		it("keeps namespaces (subgraphs) and threads independent", async () => {
			const cp = ctx.checkpointer();
			for (const ns of ["", "sub", "sub:inner"]) {
				const root = record({ ns, snapshot: { ns } });
				await cp.put(root);
				for (const r of chainAfter(root, ns.length)) await cp.put(r);
			}
			await cp.put(record({ threadId: "other" }));
			expect((await all(cp.list({ threadId: "thread" }))).length).toBe(1);
			expect(
				(await all(cp.list({ threadId: "thread", ns: "sub" }))).length,
			).toBe(4);
			expect(
				(await all(cp.list({ threadId: "thread", ns: "sub:inner" }))).length,
			).toBe(10);
			expect(
				(await cp.getTuple({ threadId: "thread", ns: "sub" }))?.checkpoint.ns,
			).toBe("sub");
			const inner = await cp.getTuple({ threadId: "thread", ns: "sub:inner" });
			const chain = await cp.getChain({
				threadId: "thread",
				ns: "sub:inner",
				checkpointId: inner!.checkpoint.checkpointId,
			});
			expect(chain[0]?.data.snapshot).toEqual({ ns: "sub:inner" });
			expect(await all(cp.list({ threadId: "thread", ns: "missing" }))).toEqual(
				[],
			);
		});
	});
}
