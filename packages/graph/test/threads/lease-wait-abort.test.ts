// A run waiting for a busy thread's lease (`waitForLease`) is ended by its caller's signal: the wait does
// not outlast a cancel (the server waits for a lease about to lapse, and a cancel must end that wait).
import { MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

describe("waitForLease and the caller's signal", () => {
	it("ends the wait with the signal's reason, running nothing", async () => {
		const checkpointer = new MemoryCheckpointer();
		let ran = 0;
		const graph = new StateGraph(z.object({ n: z.number().default(0) }))
			.addNode("work", (s) => {
				ran++;
				return { n: s.n + 1 };
			})
			.addEdge(START, "work")
			.compile({ checkpointer });
		// another runner holds the thread for ten minutes
		await checkpointer.acquireLease("t", { owner: "other", ttlMs: 600_000 });
		const controller = new AbortController();
		const run = graph.invoke(
			{ n: 0 },
			{ threadId: "t", waitForLease: 600_000, signal: controller.signal },
		);
		await new Promise((r) => setTimeout(r, 100));
		const reason = new Error("cancelled by the caller");
		controller.abort(reason);
		await expect(run).rejects.toBe(reason);
		expect(ran).toBe(0);
	}, 20_000);

	it("an aborted signal ends it before the first wait", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(z.object({ n: z.number().default(0) }))
			.addNode("work", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "work")
			.compile({ checkpointer });
		await checkpointer.acquireLease("t", { owner: "other", ttlMs: 600_000 });
		const reason = new Error("gone");
		await expect(
			graph.invoke(
				{ n: 0 },
				{
					threadId: "t",
					waitForLease: 600_000,
					signal: AbortSignal.abort(reason),
				},
			),
		).rejects.toBe(reason);
	});
});
