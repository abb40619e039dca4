// Decision 0018: a checkpoint records the state schema's fingerprint; resuming on a changed graph is
// checked (a needed node gone, the state schema changed) and a compatible change (a node added) is not.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	type Checkpointer,
	END,
	isWeftError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const notes = () =>
	reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	);
const V1 = z.object({ n: z.number(), notes: notes() });

/** v1: first → review (paused before review). */
function v1(cp: MemoryCheckpointer | SqliteCheckpointer) {
	return new StateGraph(V1)
		.addNode("first", (s) => ({ n: s.n + 1, notes: ["first"] }))
		.addNode("review", (s) => ({ n: s.n * 10 }))
		.addEdge(START, "first")
		.addEdge("first", "review")
		.addEdge("review", END)
		.compile({ checkpointer: cp, interruptBefore: ["review"] });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
	return p.then(
		() => undefined,
		(e: unknown) => e,
	);
}

/** The fingerprint a resume checks: the newest recorded on the thread's newest checkpoint's chain. */
async function newestFingerprint(cp: Checkpointer): Promise<unknown> {
	const head = await cp.getTuple({ threadId: "t" });
	const chain = await cp.getChain({
		threadId: "t",
		checkpointId: head!.checkpoint.checkpointId,
	});
	return chain
		.map((c) => c.metadata.schemaFingerprint)
		.findLast((f) => f !== undefined);
}

const dir = mkdtempSync(join(tmpdir(), "weft-graph-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const backends = {
	memory: () => new MemoryCheckpointer(),
	sqlite: () => new SqliteCheckpointer({ path: join(dir, `g${files++}.db`) }),
};

describe.each(Object.entries(backends))("graph versions (%s)", (_, make) => {
	it("records the state schema's fingerprint where a chain starts (a snapshot) and where it changes", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		const prints = new Set<unknown>();
		let checkpoints = 0;
		for await (const s of v1(cp).getStateHistory({ threadId: "t" })) {
			checkpoints++;
			if (s.metadata.snapshot === true)
				expect(s.metadata.schemaFingerprint).toMatch(/^[0-9a-f]{16}$/);
			if (s.metadata.schemaFingerprint !== undefined)
				prints.add(s.metadata.schemaFingerprint);
		}
		expect(prints.size).toBe(1);
		expect(checkpoints).toBeGreaterThan(1);
		expect(await newestFingerprint(cp)).toBe([...prints][0]);
	});

	it("adding a node is compatible: the thread resumes", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		const v2 = new StateGraph(V1)
			.addNode("first", (s) => ({ n: s.n + 1, notes: ["first"] }))
			.addNode("review", (s) => ({ n: s.n * 10 }))
			.addNode("audit", () => ({ notes: ["audit"] }))
			.addEdge(START, "first")
			.addEdge("first", "review")
			.addEdge("review", "audit")
			.addEdge("audit", END)
			.compile({ checkpointer: cp });
		const out = await v2.invoke(null, { threadId: "t" });
		expect(out).toEqual({ n: 20, notes: ["first", "audit"] });
	});

	it("removing a needed node is GRAPH_CHANGED naming it, and nothing changes", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		const before = await v1(cp).getState({ threadId: "t" });
		const v2 = new StateGraph(V1)
			.addNode("first", (s) => ({ n: s.n + 1, notes: ["first"] }))
			.addEdge(START, "first")
			.compile({ checkpointer: cp });
		const error = await caught(v2.run(null, { threadId: "t" }));
		expect(isWeftError(error, "GRAPH_CHANGED")).toBe(true);
		expect(String((error as Error).message)).toContain('"review"');
		const after = await v1(cp).getState({ threadId: "t" });
		expect(after.checkpointId).toBe(before.checkpointId);
	});

	it("updateState without asNode on a graph lacking the due node is GRAPH_CHANGED naming it; asNode goes on", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		const before = await v1(cp).getState({ threadId: "t" });
		const v2 = new StateGraph(V1)
			.addNode("first", (s) => ({ n: s.n + 1, notes: ["first"] }))
			.addEdge(START, "first")
			.compile({ checkpointer: cp });
		const error = await caught(v2.updateState({ threadId: "t" }, { n: 5 }));
		expect(isWeftError(error, "GRAPH_CHANGED")).toBe(true);
		expect(String((error as Error).message)).toContain('"review"');
		expect((error as { hint?: string }).hint).toContain("asNode");
		// nothing written: the thread's head and status are as they were
		const after = await v1(cp).getState({ threadId: "t" });
		expect(after.checkpointId).toBe(before.checkpointId);
		expect((await cp.getThread("t"))?.status).toBe("interrupted");
		// as a node of this graph, the update plans from that node's edges and the thread goes on
		await v2.updateState({ threadId: "t" }, { n: 5 }, { asNode: "first" });
		expect(await v2.getState({ threadId: "t" })).toMatchObject({
			values: { n: 5 },
			next: [],
		});
	});

	it("an incompatible state schema change is GRAPH_CHANGED with a hint; acceptSchemaChange goes on", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		// n becomes a string: the stored state no longer fits
		const V2 = z.object({ n: z.string(), notes: notes() });
		const v2 = new StateGraph(V2)
			.addNode("first", () => ({ n: "x" }))
			.addNode("review", (s) => ({ n: `${s.n}!` }))
			.addEdge(START, "first")
			.addEdge("first", "review")
			.addEdge("review", END)
			.compile({ checkpointer: cp });
		const error = await caught(v2.run(null, { threadId: "t" }));
		expect(isWeftError(error, "GRAPH_CHANGED")).toBe(true);
		expect(String((error as Error).message)).toContain("state schema");
		expect((error as { hint?: string }).hint).toContain("acceptSchemaChange");
		// accepting it still reads the stored state against the new schema: a typed error, not a run
		const accepted = await caught(
			v2.run(null, { threadId: "t", acceptSchemaChange: true }),
		);
		expect(isWeftError(accepted)).toBe(true);
		expect((await cp.getThread("t"))?.status).toBe("interrupted");
	});

	it("a compatible schema change (an optional key) goes on with acceptSchemaChange", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		const old = await newestFingerprint(cp);
		expect(old).toMatch(/^[0-9a-f]{16}$/);
		const V2 = V1.extend({ label: z.string().optional() });
		const v2 = new StateGraph(V2)
			.addNode("first", (s) => ({ n: s.n + 1 }))
			.addNode("review", (s) => ({ n: s.n * 10, label: "ok" }))
			.addEdge(START, "first")
			.addEdge("first", "review")
			.addEdge("review", END)
			.compile({ checkpointer: cp });
		const refused = await caught(v2.run(null, { threadId: "t" }));
		expect(isWeftError(refused, "GRAPH_CHANGED")).toBe(true);
		const out = await v2.invoke(null, {
			threadId: "t",
			acceptSchemaChange: true,
		});
		expect(out).toEqual({ n: 20, notes: ["first"], label: "ok" });
		// the thread now carries the new fingerprint: no flag needed any more
		expect(await newestFingerprint(cp)).not.toBe(old);
		expect(await newestFingerprint(cp)).toMatch(/^[0-9a-f]{16}$/);
		await v2.invoke({ n: 1 }, { threadId: "t" });
	});

	it("prose (descriptions) does not change the fingerprint", async () => {
		const cp = make();
		await v1(cp).run({ n: 1 }, { threadId: "t" });
		const V2 = z.object({
			n: z.number().describe("a counter"),
			notes: notes(),
		});
		const v2 = new StateGraph(V2)
			.addNode("first", (s) => ({ n: s.n + 1 }))
			.addNode("review", (s) => ({ n: s.n * 10 }))
			.addEdge(START, "first")
			.addEdge("first", "review")
			.addEdge("review", END)
			.compile({ checkpointer: cp });
		expect(await v2.invoke(null, { threadId: "t" })).toEqual({
			n: 20,
			notes: ["first"],
		});
	});
});
