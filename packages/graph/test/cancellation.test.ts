import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0) });

describe("cancellation", () => {
	it("aborts running nodes, ends the run cancelled, and keeps the last checkpoint valid", async () => {
		const controller = new AbortController();
		let sawAbort = false;
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(S)
			.addNode("first", () => ({ n: 1 }))
			.addNode("hang", (_s, ctx) => {
				setTimeout(() => controller.abort(), 5);
				return new Promise<{ n: number }>((resolve) => {
					ctx.signal.addEventListener("abort", () => {
						sawAbort = true;
						resolve({ n: 99 });
					});
				});
			})
			.addNode("after", () => ({ n: 3 }))
			.addEdge(START, "first")
			.addEdge("first", "hang")
			.addEdge("hang", "after")
			.compile({ checkpointer: cp });
		const result = await graph.run(
			{},
			{ threadId: "c", signal: controller.signal },
		);
		expect(result.status).toBe("cancelled");
		expect(sawAbort).toBe(true);
		const state = await graph.getState({ threadId: "c" });
		expect(state.values).toEqual({ n: 1 });
		expect(state.next).toEqual(["hang"]);
		expect((await cp.listThreads())[0]?.status).toBe("cancelled");
		const error = await graph
			.invoke({}, { threadId: "c2", signal: AbortSignal.abort() })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "RUN_CANCELLED")).toBe(true);
	});

	it("continues a cancelled thread from its last checkpoint", async () => {
		const controller = new AbortController();
		let calls = 0;
		const graph = new StateGraph(S)
			.addNode("slow", async (s, ctx) => {
				calls++;
				if (calls === 1) {
					controller.abort();
					await new Promise((r) => ctx.signal.addEventListener("abort", r));
				}
				return { n: s.n + 1 };
			})
			.addEdge(START, "slow")
			.compile({ checkpointer: new MemoryCheckpointer() });
		expect(
			(await graph.run({}, { threadId: "t", signal: controller.signal }))
				.status,
		).toBe("cancelled");
		expect(await graph.invoke(null, { threadId: "t" })).toEqual({ n: 1 });
	});
});
