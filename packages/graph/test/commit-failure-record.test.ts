// A step whose nodes all finished can still fail while it is committed: a reducer throws, a reducer's
// output fails its key's schema, a router throws or routes to no node. The failure is recorded at the
// checkpoint where the step is due, as a failed node's is, so `getState().errors`, `weft threads` and the
// server's `tasks[].error` say why the thread failed; going on re-runs the step.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type Checkpointer,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { stores as durableStores } from "./durable/stores.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-commit-failure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const broken = { reducer: "", router: "" };

const S = z.object({
	n: reducer(
		z.number(),
		(a, b) => {
			if (broken.reducer === "throw" && b === 2)
				throw new Error("reducer broke");
			if (broken.reducer === "type" && b === 2)
				return "two" as unknown as number;
			return a + b;
		},
		() => 0,
	),
});

function graph(cp: Checkpointer) {
	return new StateGraph(S)
		.addNode("one", () => ({ n: 1 }))
		.addNode("two", () => ({ n: 2 }))
		.addNode("three", () => ({ n: 3 }))
		.addEdge(START, "one")
		.addEdge("one", "two")
		.addConditionalEdges("two", () => {
			if (broken.router === "throw") throw new Error("router broke");
			// a name the types refuse, as a router built from data might return
			return (broken.router === "nowhere" ? "nowhere" : "three") as "three";
		})
		.compile({ checkpointer: cp });
}

const opened: Array<{ close?: () => Promise<void> | void }> = [];
const dropped: Array<() => Promise<void>> = [];
afterAll(async () => {
	for (const cp of opened) await cp.close?.();
	for (const drop of dropped) await drop();
});

/** Memory, a SQLite file, and Postgres (in CI, or where a server answers): a fresh store per test. */
const stores: Array<[string, () => Promise<Checkpointer>]> = [
	["memory", async () => new MemoryCheckpointer()],
	...(await durableStores()).map(
		(store): [string, () => Promise<Checkpointer>] => [
			store.name,
			async () => {
				const location = await store.create(mkdtempSync(join(dir, "s-")));
				const cp = await store.open(location);
				opened.push(cp as { close?: () => Promise<void> });
				dropped.push(() => store.drop(location));
				return cp;
			},
		],
	),
];

describe.each(stores)("a step that fails at its commit (%s)", (_, open) => {
	it.each([
		[
			"a reducer throws",
			{ reducer: "throw", router: "" },
			"NODE_FAILED",
			"reducer broke",
		],
		[
			"a reducer's output fails its schema",
			{ reducer: "type", router: "" },
			"NODE_FAILED",
			'"n"',
		],
		[
			"a router throws",
			{ reducer: "", router: "throw" },
			"NODE_FAILED",
			"router broke",
		],
		[
			"a router names no node",
			{ reducer: "", router: "nowhere" },
			"UNKNOWN_NODE",
			"nowhere",
		],
	])(
		"%s: the failure is recorded where the step is due; going on re-runs it",
		async (_, how, code, text) => {
			const cp = await open();
			const g = graph(cp);
			Object.assign(broken, how);
			const error = await g
				.invoke({}, { threadId: "t" })
				.catch((e: unknown) => e);
			expect(error).toMatchObject({ code });
			const state = await g.getState({ threadId: "t" });
			expect(state.next).toEqual(["two"]);
			expect(state.errors).toEqual({
				two: { node: "two", code, message: (error as Error).message },
			});
			expect((error as Error).message).toContain(text);
			expect((await cp.listThreads())[0]?.status).toBe("failed");
			Object.assign(broken, { reducer: "", router: "" });
			expect(await g.invoke(null, { threadId: "t" })).toEqual({ n: 6 });
			expect((await g.getState({ threadId: "t" })).errors).toBeUndefined();
		},
	);
});
