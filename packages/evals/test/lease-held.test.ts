// Outside check (evals, 7 Dec): resuming a crashed run waited up to `leaseWaitMs` in silence for the dead
// process's lease on a case's thread. A holder that is a process of this machine that has exited is taken
// over at once; another is waited for, and `onLeaseHeld` says which and until when (decision 0243).
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import {
	contains,
	evaluate,
	type HeldLease,
	MemoryEvalStore,
} from "@weft/evals";
import { describe, expect, it } from "vitest";
import { qaGraph } from "./graphs.ts";

const table = { "capital of France?": "Paris", "2+2?": "4" };
const dataset = [
	{
		id: "france",
		input: { question: "capital of France?" },
		expected: "Paris",
	},
	{ id: "sum", input: { question: "2+2?" }, expected: "4" },
];

/** A run whose second case was under way when its process "died"; the thread's lease then taken by `owner`. */
async function crashedWithLease(owner: string, ttlMs: number) {
	const { graph, beforePolish } = qaGraph(table);
	const store = new MemoryEvalStore();
	const abort = new AbortController();
	beforePolish.current = (q) => {
		if (q === "2+2?") abort.abort(new Error("the process died"));
	};
	await evaluate(graph, dataset, [contains()], {
		runId: "r",
		store,
		concurrency: 1,
		signal: abort.signal,
	}).catch(() => undefined);
	beforePolish.current = () => {};
	expect((await store.listCases("r")).map((c) => c.status)).toEqual([
		"done",
		"running",
	]);
	await graph.checkpointer!.acquireLease("r:sum", { owner, ttlMs });
	return { graph, store };
}

describe("resuming a case whose thread's lease is still held", () => {
	it("takes over at once a lease whose holder is a process of this machine that has exited", async () => {
		const dead = spawnSync(process.execPath, ["-e", ""]).pid;
		const { graph, store } = await crashedWithLease(
			`${hostname()}:${dead}:abc#1`,
			600_000,
		);
		const held: HeldLease[] = [];
		// no wait at all: with the lease still held, this would be THREAD_BUSY at once
		const report = await evaluate(graph, dataset, [contains()], {
			runId: "r",
			store,
			leaseWaitMs: 0,
			onLeaseHeld: (h) => held.push(h),
		});
		expect(report.cases.map((c) => [c.caseId, c.status, c.pass])).toEqual([
			["france", "done", true],
			["sum", "done", true],
		]);
		expect(held).toEqual([
			expect.objectContaining({
				caseId: "sum",
				threadId: "r:sum",
				exited: true,
				owner: `${hostname()}:${dead}:abc#1`,
			}),
		]);
	});

	it("waits for another machine's holder, told with the time its lease lapses", async () => {
		const { graph, store } = await crashedWithLease("elsewhere:1:abc#1", 300);
		const lease = (await graph.checkpointer!.getThread("r:sum"))?.lease;
		const held: HeldLease[] = [];
		const report = await evaluate(graph, dataset, [contains()], {
			runId: "r",
			store,
			onLeaseHeld: (h) => held.push(h),
		});
		expect(report.cases[1]).toMatchObject({ status: "done", pass: true });
		expect(held).toEqual([
			{
				caseId: "sum",
				threadId: "r:sum",
				owner: "elsewhere:1:abc#1",
				expiresAt: lease?.expiresAt,
				exited: false,
				waitMs: 60_000,
			},
		]);
	});
});
