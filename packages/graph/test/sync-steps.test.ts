import { PUT_SYNC } from "@weft/checkpoint";
import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

// Steps of synchronous nodes on the in-memory store complete without promises (perf, issue 17): these
// check that nothing about commits, failures and cancellation changed on that path.
const S = z.object({ n: z.number().default(0) });

function chain(
	cp: MemoryCheckpointer,
	a: () => { n: number } = () => ({ n: 1 }),
) {
	return new StateGraph(S)
		.addNode("a", a)
		.addNode("b", (s) => ({ n: s.n + 1 }))
		.addEdge(START, "a")
		.addEdge("a", "b")
		.compile({ checkpointer: cp });
}

describe("steps that complete synchronously", () => {
	it("commit through MemoryCheckpointer's PUT_SYNC, and through put once it is replaced", async () => {
		const cp = new MemoryCheckpointer();
		const sync = vi.spyOn(cp, PUT_SYNC);
		expect((await chain(cp).invoke({}, { threadId: "t1" })).n).toBe(2);
		expect(sync).toHaveBeenCalledTimes(3); // input, a, b
		const put = vi.spyOn(cp, "put");
		expect((await chain(cp).invoke({}, { threadId: "t2" })).n).toBe(2);
		expect(put).toHaveBeenCalledTimes(3);
		expect(sync).toHaveBeenCalledTimes(6); // it answered undefined: put did the writes
		const history = [];
		for await (const c of chain(cp).getStateHistory({ threadId: "t2" }))
			history.push(c);
		expect(history).toHaveLength(3);
	});

	it("fail the run when the synchronous write is refused (a lease taken over)", async () => {
		const cp = new MemoryCheckpointer();
		const graph = chain(cp, () => {
			// another runner takes the thread over while the node runs: the commit is fenced out
			void cp.releaseLease(
				{ threadId: "t", token: 1, owner: "", expiresAt: 0 } as never,
				undefined,
			);
			void cp.acquireLease("t", { owner: "other", ttlMs: 60_000 });
			return { n: 1 };
		});
		const error = await graph.invoke({}, { threadId: "t" }).catch((e) => e);
		expect(isWeftError(error, "LEASE_LOST")).toBe(true);
		const state = await graph.getState({ threadId: "t" });
		expect(state.values).toEqual({ n: 0 });
		expect(state.next).toEqual(["a"]);
	});

	it("are cancelled, uncommitted, when a node aborts the run's signal", async () => {
		const cp = new MemoryCheckpointer();
		const controller = new AbortController();
		const graph = chain(cp, () => {
			controller.abort();
			return { n: 1 };
		});
		const result = await graph.run(
			{},
			{ threadId: "c", signal: controller.signal },
		);
		expect(result.status).toBe("cancelled");
		const state = await graph.getState({ threadId: "c" });
		expect(state.values).toEqual({ n: 0 });
		expect(state.next).toEqual(["a"]);
	});
});
