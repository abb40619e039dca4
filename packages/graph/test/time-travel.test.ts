import { type BlobPlace, JsonSerializer } from "@weft/checkpoint";
import {
	END,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
	type StateSnapshot,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	count: z.number().default(0),
	limit: z.number().default(3),
});

function build() {
	let runs = 0;
	const graph = new StateGraph(S)
		.addNode("tick", (s) => {
			runs++;
			return { count: s.count + 1, log: [`tick${s.count + 1}`] };
		})
		.addEdge(START, "tick")
		.addConditionalEdges("tick", (s) => (s.count < s.limit ? "tick" : END))
		.compile({ checkpointer: new MemoryCheckpointer() });
	return { graph, runs: () => runs };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const x of it) out.push(x);
	return out;
}

describe("time travel", () => {
	it("reads the newest state and any past one", async () => {
		const { graph } = build();
		await graph.invoke({}, { threadId: "t" });
		const now = await graph.getState({ threadId: "t" });
		expect(now).toMatchObject({
			values: { count: 3 },
			next: [],
			step: 3,
			source: "loop",
			interrupts: [],
		});
		expect(now.writes).toEqual({ tick: { count: 3, log: ["tick3"] } });
		const history = await all(graph.getStateHistory({ threadId: "t" }));
		expect(history.map((h) => [h.step, h.source, h.values.count])).toEqual([
			[3, "loop", 3],
			[2, "loop", 2],
			[1, "loop", 1],
			[0, "input", 0],
		]);
		expect(history.map((h) => h.parentCheckpointId)).toEqual([
			history[1]!.checkpointId,
			history[2]!.checkpointId,
			history[3]!.checkpointId,
			null,
		]);
		const sorted = history
			.map((h) => h.checkpointId)
			.sort()
			.reverse();
		expect(sorted).toEqual(history.map((h) => h.checkpointId));
		const old = await graph.getState({
			threadId: "t",
			checkpointId: history[2]!.checkpointId,
		});
		expect(old.values).toEqual({ log: ["tick1"], count: 1, limit: 3 });
		expect(old.next).toEqual(["tick"]);
	});

	it("pages history with limit and before", async () => {
		const { graph } = build();
		await graph.invoke({ limit: 6 }, { threadId: "t" });
		const page1 = await all(
			graph.getStateHistory({ threadId: "t" }, { limit: 3 }),
		);
		expect(page1.map((h) => h.step)).toEqual([6, 5, 4]);
		const page2 = await all(
			graph.getStateHistory(
				{ threadId: "t" },
				{ limit: 3, before: page1[2]!.checkpointId },
			),
		);
		expect(page2.map((h) => h.step)).toEqual([3, 2, 1]);
		expect(page2[0]!.values.log).toEqual(["tick1", "tick2", "tick3"]);
	});

	it("lists history decoding each stored blob once, pending interrupts and branches included", async () => {
		let decoded = 0;
		class Counting extends JsonSerializer {
			override deserialize(bytes: Uint8Array, place?: BlobPlace): unknown {
				decoded++;
				return super.deserialize(bytes, place);
			}
		}
		const graph = new StateGraph(S)
			.addNode("tick", (s) => ({
				count: s.count + 1,
				log: [`tick${s.count + 1}`],
			}))
			.addNode("ask", async (_s, ctx) => ({
				log: [await ctx.interrupt<string>("ok?")],
			}))
			.addEdge(START, "tick")
			.addConditionalEdges("tick", (s) => (s.count < s.limit ? "tick" : "ask"))
			.addEdge("ask", END)
			.compile({
				checkpointer: new MemoryCheckpointer({ serializer: new Counting() }),
			});
		await graph.run({}, { threadId: "t" });
		const first = await all(graph.getStateHistory({ threadId: "t" }));
		const at1 = first.find((h) => h.step === 1)!;
		// a branch that pauses at the same approval
		await graph.invoke(null, { threadId: "t", checkpointId: at1.checkpointId });
		decoded = 0;
		const history = await all(graph.getStateHistory({ threadId: "t" }));
		const writes = history.filter((h) => h.interrupts.length > 0).length;
		expect(writes).toBe(2);
		// each checkpoint's data once, each pending write (one interrupt on each branch's head) once
		expect(decoded).toBe(history.length + writes);
		for (const h of history) {
			const state = await graph.getState({
				threadId: "t",
				checkpointId: h.checkpointId,
			});
			expect(h.values).toEqual(state.values);
			expect(h.interrupts).toEqual(state.interrupts);
		}
	});

	it("forks with updateState: a new child of the given checkpoint, the original branch untouched", async () => {
		const { graph, runs } = build();
		await graph.invoke({}, { threadId: "t" });
		const history = await all(graph.getStateHistory({ threadId: "t" }));
		const at1 = history.find((h) => h.step === 1)!;
		const head = history[0]!;
		const fork = await graph.updateState(
			{ threadId: "t", checkpointId: at1.checkpointId },
			{ limit: 5, log: ["edited"] },
			{ asNode: "tick" },
		);
		const forkState = await graph.getState({
			threadId: "t",
			checkpointId: fork.checkpointId,
		});
		expect(forkState).toMatchObject({
			parentCheckpointId: at1.checkpointId,
			// values written by updateState: "update", also on a checkpoint with children ("fork" is a
			// branch's copy of a checkpoint, same step and writes: decision 0087)
			source: "update",
			step: 2,
			next: ["tick"],
		});
		expect(forkState.values).toEqual({
			log: ["tick1", "edited"],
			count: 1,
			limit: 5,
		});
		const before = runs();
		const forked = await graph.invoke(null, {
			threadId: "t",
			checkpointId: fork.checkpointId,
		});
		expect(forked.count).toBe(5);
		expect(runs() - before).toBe(4);
		const original = await graph.getState({
			threadId: "t",
			checkpointId: head.checkpointId,
		});
		expect(original.values).toEqual(head.values);
		const again = await all(graph.getStateHistory({ threadId: "t" }));
		expect(again).toHaveLength(history.length + 5);
	});

	// outside check (6 Dec): LangGraph takes asNode "__start__" (a new input from a past checkpoint); Weft
	// answered UNKNOWN_NODE
	it("updates as START: the values are input, what START leads to is due, the original untouched", async () => {
		const { graph } = build();
		await graph.invoke({ limit: 2 }, { threadId: "t" });
		const history = await all(graph.getStateHistory({ threadId: "t" }));
		const first = history.at(-1)!;
		const head = history[0]!;
		const fork = await graph.updateState(
			{ threadId: "t", checkpointId: first.checkpointId },
			{ limit: 4, log: ["again"] },
			{ asNode: START },
		);
		const state = await graph.getState(fork);
		expect(state).toMatchObject({
			parentCheckpointId: first.checkpointId,
			source: "update",
			next: ["tick"],
			values: { limit: 4, count: 0, log: ["again"] },
		});
		const out = await graph.invoke(null, fork);
		expect(out).toEqual({
			limit: 4,
			count: 4,
			log: ["again", "tick1", "tick2", "tick3", "tick4"],
		});
		expect(
			(await graph.getState({ threadId: "t", checkpointId: head.checkpointId }))
				.values,
		).toEqual(head.values);
		// a thread without a checkpoint: START's update is its first input
		await graph.updateState(
			{ threadId: "new" },
			{ limit: 1 },
			{ asNode: START },
		);
		expect((await graph.getState({ threadId: "new" })).next).toEqual(["tick"]);
		expect((await graph.invoke(null, { threadId: "new" })).count).toBe(1);
	});

	it("updates the newest state without asNode, keeping what is due", async () => {
		const { graph } = build();
		await graph.run({ limit: 2 }, { threadId: "t", interruptBefore: ["tick"] });
		const { checkpointId } = await graph.updateState(
			{ threadId: "t" },
			{ limit: 4 },
		);
		const state = await graph.getState({ threadId: "t" });
		expect(state).toMatchObject({
			checkpointId,
			source: "update",
			next: ["tick"],
			values: { limit: 4 },
		});
		expect((await graph.invoke(null, { threadId: "t" })).count).toBe(4);
	});

	it("continuing from an old checkpoint makes a new branch; replay re-runs ignoring saved results", async () => {
		const { graph, runs } = build();
		await graph.invoke({}, { threadId: "t" });
		const history = await all(graph.getStateHistory({ threadId: "t" }));
		const at1 = history.find((h) => h.step === 1)!;
		const before = runs();
		const continued = await graph.run(null, {
			threadId: "t",
			checkpointId: at1.checkpointId,
		});
		expect(continued.values.count).toBe(3);
		expect(runs() - before).toBe(2);
		const branch = await graph.getState({ threadId: "t" });
		expect(branch.checkpointId).not.toBe(history[0]!.checkpointId);
		const replayed = await graph.replay({
			threadId: "t",
			checkpointId: at1.checkpointId,
		});
		expect(replayed.values.count).toBe(3);
		expect(runs() - before).toBe(4);
	});

	it("diffs two checkpoints as data", async () => {
		const { graph } = build();
		await graph.invoke({}, { threadId: "t" });
		const [last, , first] = await all(graph.getStateHistory({ threadId: "t" }));
		const diff = await graph.diffStates(
			{ threadId: "t", checkpointId: first!.checkpointId },
			{ threadId: "t", checkpointId: last!.checkpointId },
		);
		expect(diff).toEqual([
			{ path: ["log", 1], kind: "added", after: "tick2" },
			{ path: ["log", 2], kind: "added", after: "tick3" },
			{ path: ["count"], kind: "changed", before: 1, after: 3 },
		]);
	});

	it("diffs what changed inside Map and Set values (the serializer keeps them as they are)", async () => {
		const M = z.object({
			scores: z.map(z.string(), z.number()),
			tags: z.set(z.string()),
			nested: z.object({ byId: z.map(z.number(), z.string()) }),
		});
		const graph = new StateGraph(M)
			.addNode("noop", () => ({}))
			.addEdge(START, "noop")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.invoke(
			{
				scores: new Map([
					["a", 1],
					["b", 2],
				]),
				tags: new Set(["x"]),
				nested: { byId: new Map([[1, "one"]]) },
			},
			{ threadId: "a" },
		);
		await graph.invoke(
			{
				scores: new Map([
					["a", 5],
					["c", 3],
				]),
				tags: new Set(["x", "y"]),
				nested: { byId: new Map([[1, "uno"]]) },
			},
			{ threadId: "b" },
		);
		const diff = await graph.diffStates({ threadId: "a" }, { threadId: "b" });
		expect(diff).toEqual(
			expect.arrayContaining([
				{ path: ["scores", "a"], kind: "changed", before: 1, after: 5 },
				{ path: ["scores", "b"], kind: "removed", before: 2 },
				{ path: ["scores", "c"], kind: "added", after: 3 },
				{
					path: ["tags"],
					kind: "changed",
					before: new Set(["x"]),
					after: new Set(["x", "y"]),
				},
				{
					path: ["nested", "byId", 1],
					kind: "changed",
					before: "one",
					after: "uno",
				},
			]),
		);
		expect(diff).toHaveLength(5);
		expect(
			await graph.diffStates({ threadId: "a" }, { threadId: "a" }),
		).toEqual([]);
	});

	it("names missing checkpoints and missing checkpointers with typed errors", async () => {
		const { graph } = build();
		await expect(graph.getState({ threadId: "nobody" })).rejects.toMatchObject({
			code: "CHECKPOINT_NOT_FOUND",
		});
		await expect(
			graph.invoke(null, { threadId: "t", checkpointId: "nope" }),
		).rejects.toMatchObject({ code: "CHECKPOINT_NOT_FOUND" });
		await expect(
			graph.updateState(
				{ threadId: "t" },
				{ count: 1 },
				{ asNode: "nope" as "tick" },
			),
		).rejects.toMatchObject({ code: "UNKNOWN_NODE" });
		const bare = new StateGraph(S)
			.addNode("a", () => {})
			.addEdge(START, "a")
			.compile();
		await expect(bare.getState({ threadId: "t" })).rejects.toMatchObject({
			code: "CONFIG_INVALID",
		});
	});

	it("history entries carry what each node wrote", async () => {
		const { graph } = build();
		await graph.invoke({ limit: 2 }, { threadId: "t" });
		const history: StateSnapshot<z.output<typeof S>>[] = await all(
			graph.getStateHistory({ threadId: "t" }),
		);
		expect(history.at(-1)!.writes).toEqual({ __input__: { limit: 2 } });
		expect(history[0]!.metadata).toMatchObject({
			nodes: ["tick"],
			changed: ["count", "log"],
			next: [],
		});
	});
});
