// `graph.recover(threadId)` continues a thread whose runner died: it reads `stale` (API.md). On a thread
// that is `failed`, `cancelled`, `done` or waiting for an answer it ran on like a `run(null)`, re-executing
// the failed node or answering nothing, where the caller meant "take over a dead runner's thread". Now it
// applies to a stale thread (and a busy one answers THREAD_BUSY, as any run), and refuses every other one
// with CONFIG_INVALID whose hint names the call that does what was meant; nothing is written (decision 0112).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Checkpointer } from "@weft/checkpoint";
import { END, isWeftError, START, StateGraph } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { memory, stores } from "../durable/stores.ts";

const dir = mkdtempSync(`${tmpdir()}/weft-recover-applies-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([memory, ...(await stores())])(
	"recover() applies to a stale thread only ($name)",
	(store) => {
		async function open() {
			const location = await store.create(dir);
			const checkpointer = await store.open(location);
			const calls: string[] = [];
			const mode = { fail: false, hang: false };
			const graph = new StateGraph(
				z.object({ n: z.number().default(0), answer: z.string().optional() }),
			)
				.addNode("a", async (s, ctx) => {
					calls.push("a");
					if (mode.fail) throw new Error("a fails");
					if (mode.hang)
						await new Promise((_, reject) =>
							ctx.signal.addEventListener("abort", () =>
								reject(ctx.signal.reason),
							),
						);
					return { n: s.n + 1 };
				})
				.addNode("ask", (_s, ctx) => {
					calls.push("ask");
					return { answer: String(ctx.interrupt("ok?")) };
				})
				.addConditionalEdges(START, (s) => (s.n < 0 ? "ask" : "a"))
				.addEdge("a", END)
				.addEdge("ask", END)
				.compile({ checkpointer });
			return {
				checkpointer,
				graph,
				calls,
				mode,
				close: async () => {
					await (checkpointer as { close?: () => unknown }).close?.();
					await store.drop(location);
				},
			};
		}

		/** What recover() did: its error's code, message and hint; and the thread before and after. */
		async function refusal(
			graph: Awaited<ReturnType<typeof open>>["graph"],
			checkpointer: Checkpointer,
			threadId: string,
		) {
			const count = async () => {
				let n = 0;
				for await (const _ of checkpointer.list({ threadId })) n++;
				return n;
			};
			const before = { thread: await graph.getThread({ threadId }), n: 0 };
			before.n = await count();
			const error = (await graph.recover(threadId).then(
				() => undefined,
				(e: unknown) => e,
			)) as { code?: string; message: string; hint?: string } | undefined;
			expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
			// nothing written: the same checkpoints, the same status, no lease left behind
			expect(await count()).toBe(before.n);
			expect(await graph.getThread({ threadId })).toEqual(before.thread);
			return error!;
		}

		it("failed and cancelled threads are refused with the continue call; run(null) still continues them", async () => {
			const { checkpointer, graph, calls, mode, close } = await open();
			try {
				mode.fail = true;
				await expect(graph.run({ n: 1 }, { threadId: "f" })).rejects.toThrow();
				expect((await graph.getThread({ threadId: "f" }))?.status).toBe(
					"failed",
				);
				const failed = await refusal(graph, checkpointer, "f");
				expect(failed.message).toContain('thread "f" is failed, not stale');
				expect(failed.hint).toContain("run(null, { threadId })");
				expect(calls).toEqual(["a"]); // the failed node did not run again
				mode.fail = false;
				expect(await graph.run(null, { threadId: "f" })).toMatchObject({
					status: "done",
					values: { n: 2 },
				});

				mode.hang = true;
				const controller = new AbortController();
				const cancelled = graph.run(
					{ n: 1 },
					{ threadId: "c", signal: controller.signal },
				);
				while (!calls.includes("a") || calls.length < 3) await sleep(10);
				controller.abort();
				expect(await cancelled.catch((e) => e)).toBeDefined();
				// a cancelled run returns at once and gives its lease up once its node has settled (decision
				// 0102): on Postgres that write can come after the return (the full run of 6 Dec 13:25 read it
				// `running` there)
				for (
					let i = 0;
					i < 200 &&
					(await graph.getThread({ threadId: "c" }))?.status === "running";
					i++
				)
					await sleep(10);
				expect((await graph.getThread({ threadId: "c" }))?.status).toBe(
					"cancelled",
				);
				const refusedCancel = await refusal(graph, checkpointer, "c");
				expect(refusedCancel.message).toContain("is cancelled, not stale");
				expect(refusedCancel.hint).toContain("run(null, { threadId })");
			} finally {
				await close();
			}
		});

		it("a thread waiting for an answer and a thread that never ran are refused, each naming what to do; a done thread is returned as it is", async () => {
			const { checkpointer, graph, calls, close } = await open();
			try {
				expect(await graph.run({ n: -1 }, { threadId: "i" })).toMatchObject({
					status: "interrupted",
				});
				const waiting = await refusal(graph, checkpointer, "i");
				expect(waiting.message).toContain("waiting for an answer, not stale");
				expect(waiting.hint).toContain("Command({ resume");
				expect(calls).toEqual(["ask"]);

				expect(await graph.run({ n: 1 }, { threadId: "d" })).toMatchObject({
					status: "done",
				});
				// a runner killed after it recorded the end: recovering it again finds it finished, runs nothing
				const before = calls.length;
				expect(await graph.recover("d")).toMatchObject({
					status: "done",
					values: (await graph.getState({ threadId: "d" })).values,
				});
				expect(calls.length).toBe(before);
				expect((await graph.getThread({ threadId: "d" }))?.status).toBe("done");

				const never = await refusal(graph, checkpointer, "never");
				expect(never.message).toContain('thread "never" has never run');
				expect(never.hint).toContain("run(input, { threadId })");
				expect(await graph.getThread({ threadId: "never" })).toBeUndefined();
			} finally {
				await close();
			}
		});

		it("a stale thread is continued; a thread whose runner is alive answers THREAD_BUSY", async () => {
			const { checkpointer, graph, close } = await open();
			try {
				await graph.run({ n: 1 }, { threadId: "s" });
				// a runner took the lease, marked the thread running, and died
				// (a lease long enough to be held still when recover is called on a loaded machine)
				const dead = await checkpointer.acquireLease("s", {
					owner: "dead",
					ttlMs: 1_000,
				});
				await checkpointer.setThreadStatus("s", "running", {
					fence: dead.token,
				});
				const busy = await graph.recover("s").catch((e: unknown) => e);
				expect(isWeftError(busy, "THREAD_BUSY")).toBe(true);
				while ((await graph.getThread({ threadId: "s" }))?.status !== "stale")
					await sleep(20);
				expect(await graph.recover("s")).toMatchObject({ status: "done" });
				expect((await graph.getThread({ threadId: "s" }))?.status).toBe("done");
			} finally {
				await close();
			}
		});
	},
);
