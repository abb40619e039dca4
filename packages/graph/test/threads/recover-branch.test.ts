// Outside check (6 Dec): a runner that answered an approval on an older branch (by its checkpointId) and
// died before its step committed left the thread stale; `recover()` then went on from the newest head (a
// fork paused at another approval: asked again, or a finished fork: "done, 0 steps"), and the dead run's
// answer, used up on the older branch, was acted on by nothing (decision 0209).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Command, END, isWeftError, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { stalling } from "../durable/stalling.ts";
import { memory, stores } from "../durable/stores.ts";

const dir = mkdtempSync(`${tmpdir()}/weft-recover-branch-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([memory, ...(await stores())])(
	"recover() after a runner died answering an older branch ($name)",
	(store) => {
		it("goes on from the branch it answered, with its answer; the newest branch stays as it was", async () => {
			const location = await store.create(dir);
			const base = await store.open(location);
			const { cp, state } = stalling(base);
			const effects: string[] = [];
			let hang: Promise<void> | undefined;
			const graph = new StateGraph(
				z.object({
					topic: z.string(),
					first: z.string().optional(),
					second: z.string().optional(),
				}),
			)
				.addNode("approve1", async (_s, ctx) => ({
					first: String(await ctx.interrupt("first?")),
				}))
				.addNode("approve2", async (s, ctx) => {
					const second = String(await ctx.interrupt("second?"));
					// the dead runner stops here, its answer recorded, its step never committed
					if (hang !== undefined) await hang;
					await ctx.once("mail", () => {
						effects.push(`${s.topic}:${second}`);
					});
					return { second };
				})
				.addEdge(START, "approve1")
				.addEdge("approve1", "approve2")
				.addEdge("approve2", END)
				// a lease a loaded machine's heartbeats keep (one lapsed mid-recover ran an effect twice)
				.compile({ checkpointer: cp, leaseTtlMs: 600 });
			try {
				const t = { threadId: "t" };
				await graph.run({ topic: "old" }, t);
				const h1 = (await graph.run(new Command({ resume: "yes" }), t))
					.checkpointId!;
				// a fork from the first approval, newer than h1, paused there
				const history = [];
				for await (const s of graph.getStateHistory(t)) history.push(s);
				const atFirst = history.find((s) => s.next.includes("approve1"))!;
				const fork = await graph.updateState(
					{ ...t, checkpointId: atFirst.checkpointId },
					{ topic: "fork" },
				);
				await graph.run(null, { ...t, checkpointId: fork.checkpointId });
				const newest = (await cp.getThread("t"))!.heads[0]!;
				expect(newest).not.toBe(h1);

				// a runner answers h1 and dies in its step
				let unhang!: () => void;
				hang = new Promise((r) => {
					unhang = r;
				});
				state.stalled = true;
				const dead = graph
					.run(new Command({ resume: "K3" }), { ...t, checkpointId: h1 })
					.catch((e: unknown) => e);
				for (let i = 0; i < 200; i++) {
					if ((await base.getThread("t"))?.status === "stale") break;
					await sleep(20);
				}
				expect((await base.getThread("t"))?.status).toBe("stale");
				hang = undefined;
				state.stalled = false;

				const before = await cp.getTuple({ ...t, checkpointId: newest });
				const recovered = await graph.recover("t");
				expect(recovered.status).toBe("done");
				expect(recovered.values).toMatchObject({
					topic: "old",
					first: "yes",
					second: "K3",
				});
				expect(effects).toEqual(["old:K3"]);
				// the fork still waits at its own approval, unchanged
				expect(
					(await cp.getTuple({ ...t, checkpointId: newest }))?.pendingWrites,
				).toEqual(before?.pendingWrites);
				const fork1 = await graph.getState({ ...t, checkpointId: newest });
				expect(fork1.interrupts.map((i) => i.value)).toEqual(["first?"]);

				// the dead runner, woken, commits nothing
				unhang();
				expect(isWeftError(await dead, "LEASE_LOST")).toBe(true);
				expect(effects).toEqual(["old:K3"]);
			} finally {
				await (base as { close?: () => unknown }).close?.();
				await store.drop(location);
			}
		});
	},
);
