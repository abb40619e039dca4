// A run from an older checkpoint (a thread's past, by its checkpointId) whose runner died inside its first
// step, before anything of its own committed: recover() goes on with that run (the last notes listed this
// as left; it holds: the run starts on a copy of the checkpoint, decision 0172, the newest head).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { stalling } from "../durable/stalling.ts";
import { memory, stores } from "../durable/stores.ts";

const dir = mkdtempSync(`${tmpdir()}/weft-recover-fork-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([memory, ...(await stores())])(
	"recover() after a runner died running from an older checkpoint ($name)",
	(store) => {
		it("goes on from where that run started", async () => {
			const location = await store.create(dir);
			const base = await store.open(location);
			const { cp, state } = stalling(base);
			const effects: string[] = [];
			let hang: Promise<void> | undefined;
			const graph = new StateGraph(
				z.object({ n: z.number(), log: z.array(z.string()).default([]) }),
			)
				.addNode("a", (s) => ({ n: s.n + 1, log: [...s.log, "a"] }))
				.addNode("b", async (s, ctx) => {
					await ctx.once("mail", () => {
						effects.push(`b:${s.n}`);
					});
					if (hang !== undefined) await hang;
					return { n: s.n * 10, log: [...s.log, "b"] };
				})
				.addEdge(START, "a")
				.addEdge("a", "b")
				.addEdge("b", END)
				.compile({ checkpointer: cp, leaseTtlMs: 600 });
			try {
				const t = { threadId: "t" };
				await graph.run({ n: 1 }, t);
				expect(effects).toEqual(["b:2"]);
				const history = [];
				for await (const s of graph.getStateHistory(t)) history.push(s);
				const atB = history.find((s) => s.next.includes("b"))!;
				const newestBefore = (await cp.getThread("t"))!.heads;

				let unhang!: () => void;
				hang = new Promise((r) => {
					unhang = r;
				});
				state.stalled = true;
				const dead = graph
					.run(null, { ...t, checkpointId: atB.checkpointId })
					.catch((e: unknown) => e);
				for (let i = 0; i < 200; i++) {
					if ((await base.getThread("t"))?.status === "stale") break;
					await sleep(20);
				}
				expect((await base.getThread("t"))?.status).toBe("stale");
				hang = undefined;
				state.stalled = false;
				// the run began on a copy of the checkpoint (decision 0172): the newest head, holding the dead
				// step's records
				const heads = (await cp.getThread("t"))!.heads;
				expect(heads).toHaveLength(2);
				expect(heads).toContain(newestBefore[0]);
				const recovered = await graph.recover("t");
				expect(recovered.status).toBe("done");
				expect(recovered.values).toMatchObject({ n: 20 });
				// the original run's mail and the dead run's; recover reused the dead run's record
				expect(effects).toEqual(["b:2", "b:2"]);
				expect((await graph.getState(t)).values).toMatchObject({ n: 20 });
				// the first branch is as it was
				expect(
					(await graph.getState({ ...t, checkpointId: newestBefore[0]! }))
						.values,
				).toMatchObject({ n: 20, log: ["a", "b"] });
				unhang();
				await dead;
			} finally {
				await (base as { close?: () => unknown }).close?.();
				await store.drop(location);
			}
		});
	},
);
