// API.md "Time travel", on a real SQLite file and Postgres (time-travel.test.ts runs them in memory):
// the snapshot's fields, history newest first with limit and before, updateState as a node, a run from an
// old checkpoint as a new branch (the old one unchanged, finished nodes not re-run), diffStates.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { END, reducer, START, StateGraph } from "@weft/graph";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Store, stores } from "./durable/stores.ts";

const State = z.object({
	topic: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	count: z.number().default(0),
});

function build(checkpointer: Checkpointer) {
	const runs: string[] = [];
	const graph = new StateGraph(State)
		.addNode("plan", (s) => {
			runs.push("plan");
			return { count: s.count + 1 };
		})
		.addNode("work", (s, ctx) => {
			runs.push("work");
			return { notes: [`${s.topic}#${ctx.step}`] };
		})
		.addEdge(START, "plan")
		.addConditionalEdges("plan", (s) => (s.count < 3 ? "work" : END))
		.addEdge("work", "plan")
		.compile({ checkpointer });
	return { graph, runs };
}

describe.each(await stores())("API.md: time travel ($name)", (store: Store) => {
	const cleanups: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0)) await c();
	});
	async function open() {
		const location = await store.create(
			mkdtempSync(join(tmpdir(), "weft-travel-")),
		);
		const cp = await store.open(location);
		cleanups.push(async () => {
			await (cp as { close?: () => Promise<void> }).close?.();
			await store.drop(location);
		});
		return build(cp);
	}

	it("getState, getStateHistory newest first with limit and before, and diffStates", async () => {
		const { graph } = await open();
		await graph.invoke({ topic: "t" }, { threadId: "t1" });
		const snap = await graph.getState({ threadId: "t1" });
		expect(snap).toMatchObject({
			values: { topic: "t", notes: ["t#2", "t#4"], count: 3 },
			next: [],
			source: "loop",
			step: 5,
			interrupts: [],
			writes: { plan: { count: 3 } },
		});
		expect(Number.isNaN(Date.parse(snap.createdAt))).toBe(false);
		const all = [];
		for await (const s of graph.getStateHistory({ threadId: "t1" }))
			all.push(s);
		expect(all.map((s) => s.step)).toEqual([5, 4, 3, 2, 1, 0]);
		expect(all.map((s) => s.source)).toEqual([
			"loop",
			"loop",
			"loop",
			"loop",
			"loop",
			"input",
		]);
		expect(all[0]!.parentCheckpointId).toBe(all[1]!.checkpointId);
		expect(all.at(-1)!.parentCheckpointId).toBeNull();
		const page = [];
		for await (const s of graph.getStateHistory(
			{ threadId: "t1" },
			{ limit: 2, before: all[1]!.checkpointId },
		))
			page.push(s.checkpointId);
		expect(page).toEqual([all[2]!.checkpointId, all[3]!.checkpointId]);
		expect(
			await graph.diffStates(
				{ threadId: "t1", checkpointId: all[3]!.checkpointId },
				{ threadId: "t1" },
			),
		).toEqual([
			{ path: ["notes", 1], kind: "added", after: "t#4" },
			{ path: ["count"], kind: "changed", before: 1, after: 3 },
		]);
	});

	it("updateState as a node forks an old checkpoint; running on makes a new branch, the old one unchanged", async () => {
		const { graph, runs } = await open();
		await graph.invoke({ topic: "t" }, { threadId: "t1" });
		const history = [];
		for await (const s of graph.getStateHistory({ threadId: "t1" }))
			history.push(s);
		const old = history.find((s) => s.step === 1)!;
		const { checkpointId } = await graph.updateState(
			{ threadId: "t1", checkpointId: old.checkpointId },
			{ count: 9 },
			{ asNode: "plan" },
		);
		const updated = await graph.getState({ threadId: "t1", checkpointId });
		expect(updated).toMatchObject({
			source: "update",
			parentCheckpointId: old.checkpointId,
			next: [],
			values: { count: 9 },
		});
		const forked = await graph.updateState(
			{ threadId: "t1", checkpointId: old.checkpointId },
			{ count: 0 },
			{ asNode: "plan" },
		);
		runs.length = 0;
		expect(
			await graph.invoke(null, {
				threadId: "t1",
				checkpointId: forked.checkpointId,
			}),
		).toEqual({ topic: "t", notes: ["t#3", "t#5", "t#7"], count: 3 });
		// plan had already run at the forked point: the run starts at what was due there
		expect(runs[0]).toBe("work");
		// the original branch is still there, unchanged and readable
		const again = [];
		for await (const s of graph.getStateHistory({
			threadId: "t1",
			checkpointId: history[0]!.checkpointId,
		}))
			again.push(s);
		expect(again.map((s) => [s.checkpointId, s.values])).toEqual(
			history.map((s) => [s.checkpointId, s.values]),
		);
		expect((await graph.getState({ threadId: "t1" })).heads).toHaveLength(3);
	});
});
