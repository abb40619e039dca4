import {
	isWeftError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

const build = () =>
	new StateGraph(State)
		.addNode("a", () => ({ log: ["a"] }))
		.addNode("b", () => ({ log: ["b"] }))
		.addNode("c", () => ({ log: ["c"] }))
		.addEdge(START, "a")
		.addEdge("a", "b")
		.addEdge("b", "c")
		.compile({ checkpointer: new MemoryCheckpointer() });

async function list(
	graph: ReturnType<typeof build>,
	config: { threadId: string; checkpointId?: string },
	options: Parameters<ReturnType<typeof build>["getStateHistory"]>[1] = {},
) {
	const out = [];
	for await (const s of graph.getStateHistory(config, options)) out.push(s);
	return out;
}

describe("getStateHistory from a checkpoint", () => {
	it("lists that checkpoint and its ancestors, newest first: no newer one, no other branch", async () => {
		const graph = build();
		await graph.run({ log: ["in"] }, { threadId: "t" });
		const all = await list(graph, { threadId: "t" });
		const afterA = all.find((s) => s.values.log.join() === "in,a")!;
		// a second branch from the input checkpoint: its checkpoints are newer than afterA
		const input = all.find((s) => s.step === 0)!;
		await graph.run(null, { threadId: "t", checkpointId: input.checkpointId });
		const full = await list(graph, { threadId: "t" });
		expect(full.length).toBeGreaterThan(all.length);

		const from = await list(graph, {
			threadId: "t",
			checkpointId: afterA.checkpointId,
		});
		expect(from.map((s) => s.checkpointId)).toEqual(
			all.filter((s) => s.step <= afterA.step).map((s) => s.checkpointId),
		);
		expect(from[0]!.values.log).toEqual(["in", "a"]);
		for (let i = 1; i < from.length; i++)
			expect(from[i - 1]!.parentCheckpointId).toBe(from[i]!.checkpointId);
	});

	it("applies limit, before and the metadata filter along that branch", async () => {
		const graph = build();
		await graph.run({ log: ["in"] }, { threadId: "t" });
		const all = await list(graph, { threadId: "t" });
		const top = all[0]!;
		const limited = await list(
			graph,
			{ threadId: "t", checkpointId: top.checkpointId },
			{ limit: 2 },
		);
		expect(limited.map((s) => s.checkpointId)).toEqual(
			all.slice(0, 2).map((s) => s.checkpointId),
		);
		const before = await list(
			graph,
			{ threadId: "t", checkpointId: top.checkpointId },
			{ before: all[1]!.checkpointId },
		);
		expect(before.map((s) => s.checkpointId)).toEqual(
			all.slice(2).map((s) => s.checkpointId),
		);
		const ofB = await list(
			graph,
			{ threadId: "t", checkpointId: top.checkpointId },
			{ filter: { nodes: ["b"] } },
		);
		expect(ofB.map((s) => s.values.log)).toEqual([["in", "a", "b"]]);
	});

	it("takes before as a config or a snapshot naming the checkpoint, as LangGraph passes a config", async () => {
		const graph = build();
		await graph.run({ log: ["in"] }, { threadId: "t" });
		const all = await list(graph, { threadId: "t" });
		const older = all.slice(2).map((s) => s.checkpointId);
		const byConfig = await list(
			graph,
			{ threadId: "t" },
			{ before: { threadId: "t", checkpointId: all[1]!.checkpointId } },
		);
		expect(byConfig.map((s) => s.checkpointId)).toEqual(older);
		const bySnapshot = await list(graph, { threadId: "t" }, { before: all[1] });
		expect(bySnapshot.map((s) => s.checkpointId)).toEqual(older);
		const error = await list(
			graph,
			{ threadId: "t" },
			{ before: { threadId: "t" } },
		).catch((e: unknown) => e);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		expect((error as Error).message).toContain("{ checkpointId }");
	});

	it("refuses a checkpoint the thread does not have with CHECKPOINT_NOT_FOUND", async () => {
		const graph = build();
		await graph.run({ log: ["in"] }, { threadId: "t" });
		const error = await list(graph, {
			threadId: "t",
			checkpointId: "1f0a0000-0000-6000-8000-000000000000",
		}).catch((e: unknown) => e);
		expect(isWeftError(error, "CHECKPOINT_NOT_FOUND")).toBe(true);
	});
});
