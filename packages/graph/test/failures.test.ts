import {
	MemoryCheckpointer,
	NodeError,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

describe("a failing node", () => {
	it("fails the run with NodeError, keeps its siblings' writes, and a re-run executes only the failed node", async () => {
		const runs: string[] = [];
		let broken = true;
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(S)
			.addNode("ok", () => {
				runs.push("ok");
				return { log: ["ok"] };
			})
			.addNode("fragile", () => {
				runs.push("fragile");
				if (broken) throw new Error("disk full");
				return { log: ["fragile"] };
			})
			.addEdge(START, "ok")
			.addEdge(START, "fragile")
			.compile({ checkpointer: cp });
		const error = await graph
			.invoke({}, { threadId: "t" })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeError);
		expect(error).toMatchObject({
			code: "NODE_FAILED",
			node: "fragile",
			cause: { message: "disk full" },
		});
		expect((await cp.listThreads())[0]?.status).toBe("failed");
		const state = await graph.getState({ threadId: "t" });
		expect(state.next).toEqual(["fragile", "ok"]);
		// the failed task's error is part of the state where it is due (the server's tasks[].error)
		const fragile = state.tasks.find((t) => t.node === "fragile")!;
		expect(state.errors).toEqual({
			[fragile.id]: expect.objectContaining({
				node: "fragile",
				code: "NODE_FAILED",
				message: expect.stringContaining("disk full"),
			}),
		});
		broken = false;
		expect(await graph.invoke(null, { threadId: "t" })).toEqual({
			log: ["fragile", "ok"],
		});
		expect(runs).toEqual(["fragile", "ok", "fragile"]);
		expect((await cp.listThreads())[0]?.status).toBe("done");
		expect((await graph.getState({ threadId: "t" })).errors).toBeUndefined();
	});

	it("does not change a thread when its input is invalid", async () => {
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(S)
			.addNode("a", () => ({ log: ["a"] }))
			.addEdge(START, "a")
			.compile({ checkpointer: cp });
		await graph.invoke({}, { threadId: "t" });
		const before = await graph.getState({ threadId: "t" });
		await expect(
			graph.invoke({ log: "not an array" } as never, { threadId: "t" }),
		).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
		expect((await graph.getState({ threadId: "t" })).checkpointId).toBe(
			before.checkpointId,
		);
		expect((await cp.listThreads())[0]?.status).toBe("done");
	});

	it("records a stop at the recursion limit at the last checkpoint, as a failed node's error is", async () => {
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(S)
			.addNode("tick", () => ({ log: ["tick"] }))
			.addEdge(START, "tick")
			.addEdge("tick", "tick")
			.compile({ checkpointer: cp });
		const error = await graph
			.invoke({}, { threadId: "t", recursionLimit: 3 })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "GRAPH_RECURSION_LIMIT" });
		expect((await cp.listThreads())[0]?.status).toBe("failed");
		const state = await graph.getState({ threadId: "t" });
		expect(state.step).toBe(3);
		const tick = state.tasks.find((t) => t.node === "tick")!;
		expect(state.errors).toEqual({
			[tick.id]: {
				node: "tick",
				code: "GRAPH_RECURSION_LIMIT",
				message: (error as Error).message,
			},
		});
		const tuple = await cp.getTuple({ threadId: "t" });
		expect(tuple?.pendingWrites).toContainEqual(
			expect.objectContaining({
				kind: "error",
				hint: (error as Error & { hint: string }).hint,
			}),
		);
		// going on from there runs the task the limit stopped (the error is a record, not a done task)
		await graph
			.invoke(null, { threadId: "t", recursionLimit: 1 })
			.catch(() => {});
		expect((await graph.getState({ threadId: "t" })).step).toBe(4);
	});

	it("a reducer that throws fails the run with NodeError naming the key and the node whose update it merged; a re-run goes on", async () => {
		let broken = true;
		const R = z.object({
			n: reducer(
				z.number(),
				(a, b) => {
					if (broken && b === 2) throw new Error("reducer broke");
					return a + b;
				},
				() => 0,
			),
		});
		const cp = new MemoryCheckpointer();
		const graph = new StateGraph(R)
			.addNode("one", () => ({ n: 1 }))
			.addNode("two", () => ({ n: 2 }))
			.addEdge(START, "one")
			.addEdge("one", "two")
			.compile({ checkpointer: cp });
		const error = await graph
			.invoke({}, { threadId: "t" })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeError);
		expect(error).toMatchObject({ code: "NODE_FAILED", node: "two" });
		expect((error as Error).message).toContain('"n"');
		expect((error as Error).message).toContain("reducer broke");
		expect((error as Error & { hint: string }).hint).toContain("reducer");
		expect((error as Error).cause).toBeInstanceOf(Error);
		expect((await cp.listThreads())[0]?.status).toBe("failed");
		broken = false;
		expect(await graph.invoke(null, { threadId: "t" })).toEqual({ n: 3 });
		// the run's input too: named as the input, nothing written
		broken = true;
		const input = await graph
			.invoke({ n: 2 }, { threadId: "u" })
			.catch((e: unknown) => e);
		expect(input).toMatchObject({ code: "NODE_FAILED" });
		expect((input as Error).message).toContain("reducer broke");
	});
});
