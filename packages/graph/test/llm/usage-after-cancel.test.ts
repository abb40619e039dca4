// A run cancelled in a step whose model had answered (its answer saved with its cost, decision 0217):
// the cancelled run reports the call, the run that takes the step up reuses the answer and reports
// nothing for it, and the thread counts it once, on every backend; whether the cancelled task had
// finished or was still running. (The 7 Dec note suspected a double count here; these cases show none.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { HumanMessage } from "@langchain/core/messages";
import { START, StateGraph, threadUsage } from "@weft/graph";
import { llmNode, messages, ScriptedChatModel } from "@weft/graph/llm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { memory, stores, withStore } from "../durable/stores.ts";

const dir = mkdtempSync(`${tmpdir()}/weft-usage-cancel-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const State = z.object({
	messages: messages(),
	waited: z.boolean().optional(),
});

describe.each([memory, ...(await stores())])(
	"usage of a run cancelled after its model answered ($name)",
	(store) => {
		it.each([
			["in a task that finished", false],
			["in the task still running", true],
		] as const)(
			"%s: is reported by the cancelled run, not again by the run that reuses the answer; the thread counts it once",
			async (_, inDraft) => {
				await withStore(store, dir, async (cp) => {
					const model = new ScriptedChatModel({
						model: "gpt-test",
						replies: [{ content: "drafted", usage: { input: 100, output: 5 } }],
					});
					let entered!: () => void;
					const waiting = new Promise<void>((r) => {
						entered = r;
					});
					let hold = true;
					const graph = new StateGraph(State)
						.addNode("draft", async (s, ctx) => {
							const update = await llmNode({ model })(s, ctx);
							if (inDraft) await held(ctx.signal);
							return update;
						})
						.addNode("wait", async (_s, ctx) => {
							if (!inDraft) await held(ctx.signal);
							return { waited: true };
						})
						.addEdge(START, "draft")
						.addEdge(START, "wait")
						.compile({ checkpointer: cp });
					async function held(signal: AbortSignal) {
						if (hold) {
							entered();
							// stops when the run is cancelled
							await new Promise((_r, reject) =>
								signal.addEventListener("abort", () => reject(signal.reason)),
							);
						}
					}
					const cancel = new AbortController();
					const first = graph.run(
						{ messages: [new HumanMessage("go")] },
						{ threadId: "t", signal: cancel.signal },
					);
					await waiting;
					// the draft's answer is saved (its task is done) while `wait` still runs
					for (let i = 0; i < 200 && model.calls.length === 0; i++)
						await new Promise((r) => setTimeout(r, 5));
					await new Promise((r) => setTimeout(r, 50));
					cancel.abort();
					const cancelled = await first;
					expect(cancelled.status).toBe("cancelled");
					expect(cancelled.usage.inputTokens).toBe(100);
					expect((await threadUsage(cp, "t")).inputTokens).toBe(100);

					hold = false;
					// the cancelled run gives its lease back once its tasks have settled
					const next = await graph.run(null, {
						threadId: "t",
						waitForLease: 10_000,
					});
					expect(next.status).toBe("done");
					expect(model.calls).toHaveLength(1); // the saved answer was reused
					expect(next.usage.inputTokens).toBe(0);
					expect(next.usage.calls).toBe(0);
					const thread = await threadUsage(cp, "t");
					expect({ input: thread.inputTokens, calls: thread.calls }).toEqual({
						input: 100,
						calls: 1,
					});
				});
			},
		);
	},
);
