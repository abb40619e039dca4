import {
	END,
	isWeftError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	n: z.number(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	maybe: z.string().optional(),
});

async function caught(p: Promise<unknown>): Promise<unknown> {
	return p.then(
		() => undefined,
		(e: unknown) => e,
	);
}

describe("state safety", () => {
	it("refuses undefined for a required key, allows it for an optional one", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({ n: undefined as unknown as number }))
			.addEdge(START, "a")
			.compile();
		const error = await caught(graph.invoke({ n: 1 }));
		expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
		expect(String((error as Error).message)).toContain('"n"');
		const ok = new StateGraph(State)
			.addNode("a", () => ({ maybe: undefined }))
			.addEdge(START, "a")
			.compile();
		expect((await ok.invoke({ n: 1, maybe: "x" })).maybe).toBeUndefined();
	});

	it("a node that mutates its state gets STATE_MUTATED naming it", async () => {
		const graph = new StateGraph(State)
			.addNode("pusher", (s) => {
				s.notes.push("x");
				return {};
			})
			.addEdge(START, "pusher")
			.compile();
		const error = await caught(graph.invoke({ n: 1, notes: ["a"] }));
		expect(isWeftError(error, "STATE_MUTATED")).toBe(true);
		expect(String((error as Error).message)).toContain('"pusher"');
	});

	it("resuming on a graph without the due node is GRAPH_CHANGED naming it", async () => {
		const cp = new MemoryCheckpointer();
		const v1 = new StateGraph(State)
			.addNode("first", (s) => ({ n: s.n + 1 }))
			.addNode("review", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "first")
			.addEdge("first", "review")
			.addEdge("review", END)
			.compile({ checkpointer: cp, interruptBefore: ["review"] });
		await v1.run({ n: 1 }, { threadId: "t" });
		const v2 = new StateGraph(State)
			.addNode("first", (s) => ({ n: s.n + 1 }))
			.addNode("check", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "first")
			.addEdge("first", "check")
			.compile({ checkpointer: cp });
		const error = await caught(v2.run(null, { threadId: "t" }));
		expect(isWeftError(error, "GRAPH_CHANGED")).toBe(true);
		expect(String((error as Error).message)).toContain('"review"');
		expect((await cp.getThread("t"))?.status).toBe("interrupted");
	});

	it("stored writes are checked against the schema on read", async () => {
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(State)
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "a")
			.compile({ checkpointer: cp });
		await graph.invoke({ n: 1 }, { threadId: "t" });
		for (const [key, value, code] of [
			["__proto__", { polluted: true }, "CORRUPT_CHECKPOINT"],
			["gone", 1, "GRAPH_CHANGED"],
			["n", "not a number", "CORRUPT_CHECKPOINT"],
		] as const) {
			const c = (await cp.getTuple({ threadId: "t" }))!.checkpoint;
			await cp.put(
				{
					...c,
					checkpointId: `${c.checkpointId.slice(0, -4)}beef`,
					parentId: c.checkpointId,
					data: { ...c.data, writes: [["a", key, value]] },
				},
				{},
			);
			const error = await caught(
				graph.getState({
					threadId: "t",
					checkpointId: `${c.checkpointId.slice(0, -4)}beef`,
				}),
			);
			expect(isWeftError(error, code)).toBe(true);
			expect(({} as Record<string, unknown>).polluted).toBeUndefined();
			await cp.deleteThread("t");
			await graph.invoke({ n: 1 }, { threadId: "t" });
		}
	});

	it("ids are checked the same everywhere", async () => {
		const graph = new StateGraph(State)
			.addNode("a", (s) => ({ n: s.n + 1 }))
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		for (const threadId of ["", 42, "a\u0000b", "sur\uDBFF", "x".repeat(513)]) {
			const run = await caught(
				graph.invoke({ n: 1 }, { threadId: threadId as string }),
			);
			expect(isWeftError(run, "INVALID_ID")).toBe(true);
			const read = await caught(
				graph.getState({ threadId: threadId as string }),
			);
			expect(isWeftError(read, "INVALID_ID")).toBe(true);
		}
	});
});
