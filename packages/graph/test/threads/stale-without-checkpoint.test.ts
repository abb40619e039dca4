import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { Command, isWeftError, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { memory, stores } from "../durable/stores.ts";

const dir = mkdtempSync(`${tmpdir()}/weft-stale-empty-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([memory, ...(await stores())])(
	"a thread whose runner died before its first checkpoint ($name)",
	(store) => {
		async function open() {
			const location = await store.create(dir);
			const checkpointer = await store.open(location);
			const graph = new StateGraph(z.object({ n: z.number().default(0) }))
				.addNode("a", (s) => ({ n: s.n + 1 }))
				.addEdge(START, "a")
				.compile({ checkpointer });
			return {
				checkpointer,
				graph,
				close: async () => {
					await (checkpointer as { close?: () => unknown }).close?.();
					await store.drop(location);
				},
			};
		}

		it("recover() gives the dead lease up with a typed error saying to start again, and the thread no longer reads stale", async () => {
			const { checkpointer, graph, close } = await open();
			try {
				// what a run does first; then its process dies
				await checkpointer.acquireLease("t", { owner: "dead", ttlMs: 50 });
				await sleep(150);
				const stale = await graph.getThread({ threadId: "t" });
				expect(stale).toMatchObject({ status: "stale", step: -1 });
				// getThread and listThreads tell the same
				const listed = (await checkpointer.listThreads()).find(
					(t) => t.threadId === "t",
				);
				expect(listed).toEqual(stale);
				const error = await graph.recover("t").catch((e: unknown) => e);
				expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
				expect((error as { hint: string }).hint).toContain("input");
				const after = await graph.getThread({ threadId: "t" });
				expect(after).toMatchObject({ status: "failed", lease: null });
				expect(
					(await checkpointer.listThreads({ status: "stale" })).map(
						(t) => t.threadId,
					),
				).not.toContain("t");
				expect(
					(await checkpointer.listThreads()).find((t) => t.threadId === "t"),
				).toEqual(after);
				// started again with its input, it runs
				const done = await graph.run({ n: 1 }, { threadId: "t" });
				expect(done).toMatchObject({ status: "done", values: { n: 2 } });
				expect((await graph.getThread({ threadId: "t" }))?.status).toBe("done");
			} finally {
				await close();
			}
		});

		it("a continue or resume of a thread that never ran leaves no stale thread behind", async () => {
			const { graph, close } = await open();
			try {
				const cont = await graph
					.run(null, { threadId: "never" })
					.catch((e: unknown) => e);
				expect(isWeftError(cont, "CONFIG_INVALID")).toBe(true);
				const resume = await graph
					.run(new Command({ resume: 1 }), { threadId: "never2" })
					.catch((e: unknown) => e);
				expect(isWeftError(resume, "NO_PENDING_INTERRUPT")).toBe(true);
				for (const threadId of ["never", "never2"]) {
					const info = await graph.getThread({ threadId });
					expect(info?.status).not.toBe("stale");
					expect(info?.lease ?? null).toBeNull();
				}
			} finally {
				await close();
			}
		});
	},
);
