// Outside check (6 Dec, through `weft mcp`): a node that asked with a plain `ctx.interrupt` and threw on
// the answer (a number where it wanted text) failed its run; the right answer then was refused
// (NO_PENDING_INTERRUPT: "already answered, by a run that did not finish its step"), and `run(null)`
// replayed the wrong one: nothing could take the thread on without a code change (decision 0210).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import {
	Command,
	END,
	isWeftError,
	resendsAnswer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { memory, stores } from "../durable/stores.ts";

const dir = mkdtempSync(`${tmpdir()}/weft-answer-after-failure-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([memory, ...(await stores())])(
	"a new answer to a node that failed on its answer ($name)",
	(store) => {
		it("is taken in place of the recorded one; null still goes on with the recorded one", async () => {
			const location = await store.create(dir);
			const checkpointer = await store.open(location);
			const effects: string[] = [];
			const graph = new StateGraph(z.object({ name: z.string().optional() }))
				.addNode("ask", async (_s, ctx) => {
					const answer = await ctx.interrupt<unknown>("your name?");
					if (typeof answer !== "string")
						throw new Error(`wanted text, got ${typeof answer}`);
					await ctx.once("greet", () => {
						effects.push(answer);
					});
					return { name: answer };
				})
				.addEdge(START, "ask")
				.addEdge("ask", END)
				.compile({ checkpointer });
			try {
				for (const t of ["a", "b"]) {
					await graph.run({}, { threadId: t });
					const failed = await graph
						.run(new Command({ resume: 5 }), { threadId: t })
						.catch((e: unknown) => e);
					expect(isWeftError(failed, "NODE_FAILED")).toBe(true);
				}
				// a server checks before it makes a run: the new answer is one a run takes
				const head = (await checkpointer.getThread("a"))!.checkpointId!;
				const tuple = await checkpointer.getTuple({
					threadId: "a",
					checkpointId: head,
				});
				expect(resendsAnswer(tuple!, "Ada")).toBe(true);
				// the answer it expects goes on
				const a = await graph.run(new Command({ resume: "Ada" }), {
					threadId: "a",
				});
				expect(a.status).toBe("done");
				expect(a.values.name).toBe("Ada");
				// the same wrong answer again fails again; null replays it (after a fix of the node, it would go on)
				const again = await graph
					.run(new Command({ resume: 5 }), { threadId: "b" })
					.catch((e: unknown) => e);
				expect(isWeftError(again, "NODE_FAILED")).toBe(true);
				const replayed = await graph
					.run(null, { threadId: "b" })
					.catch((e: unknown) => e);
				expect(isWeftError(replayed, "NODE_FAILED")).toBe(true);
				const b = await graph.run(new Command({ resume: "Bo" }), {
					threadId: "b",
				});
				expect(b.values.name).toBe("Bo");
				expect(effects).toEqual(["Ada", "Bo"]);
				// answered and done: nothing to answer any more
				const late = await graph
					.run(new Command({ resume: "Cy" }), { threadId: "a" })
					.catch((e: unknown) => e);
				expect(isWeftError(late, "NO_PENDING_INTERRUPT")).toBe(true);
			} finally {
				await (checkpointer as { close?: () => unknown }).close?.();
				await store.drop(location);
			}
		});
	},
);
