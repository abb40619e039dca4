// Leases are renewed by one shared timer (perf, issue 17): runs longer than their lease's TTL keep it,
// whatever the TTLs of the other runs beating at the same time, and nobody else can take it meanwhile.
import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slow(cp: MemoryCheckpointer, leaseTtlMs: number, ms: number) {
	return new StateGraph(z.object({ n: z.number() }))
		.addNode("work", async (s) => {
			await sleep(ms);
			return { n: s.n + 1 };
		})
		.addEdge(START, "work")
		.compile({ checkpointer: cp, leaseTtlMs });
}

describe("lease heartbeats", () => {
	it("keep the leases of runs with different TTLs, run at once, well past their TTLs", async () => {
		const cp = new MemoryCheckpointer();
		const runs = [
			slow(cp, 30, 200).run({ n: 0 }, { threadId: "short" }),
			slow(cp, 90, 300).run({ n: 0 }, { threadId: "long" }),
		];
		await sleep(120);
		for (const threadId of ["short", "long"]) {
			const taken = await cp
				.acquireLease(threadId, { owner: "other", ttlMs: 1_000 })
				.catch((e: unknown) => e);
			expect(isWeftError(taken, "THREAD_BUSY")).toBe(true);
		}
		const results = await Promise.all(runs);
		expect(results.map((r) => [r.status, r.values.n])).toEqual([
			["done", 1],
			["done", 1],
		]);
		// a later run, after the others' heartbeats stopped, is renewed as well
		const later = await slow(cp, 30, 150).run({ n: 0 }, { threadId: "later" });
		expect(later.status).toBe("done");
		expect((await cp.getThread("later"))?.status).toBe("done");
	});
});
