import {
	Command,
	END,
	MemoryCheckpointer,
	reducer,
	Send,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const text = (prefix: string) =>
	`${prefix} ${"lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(5)}`.slice(
		0,
		200,
	);

const S = z.object({
	messages: reducer(
		z.array(z.object({ role: z.string(), content: z.string() })),
		(a, b) => [...a, ...b],
		() => [],
	),
	loops: z.number().default(0),
	maxLoops: z.number(),
});

function agentLoop(
	checkpointer: MemoryCheckpointer,
	snapshots?: { minSteps: number; maxSteps: number },
) {
	return new StateGraph(S)
		.addNode("agent", (s) => ({
			messages: [{ role: "ai", content: text(`agent turn ${s.loops + 1}:`) }],
		}))
		.addNode("tools", (s) => ({
			messages: [
				{ role: "tool", content: text(`tool result ${s.loops + 1}:`) },
			],
			loops: s.loops + 1,
		}))
		.addEdge(START, "agent")
		.addEdge("agent", "tools")
		.addConditionalEdges("tools", (s) =>
			s.loops >= s.maxLoops ? END : "agent",
		)
		.compile({
			checkpointer,
			...(snapshots === undefined ? {} : { snapshots }),
		});
}

async function sizes(
	cp: MemoryCheckpointer,
	threadId: string,
): Promise<number[]> {
	const out: number[] = [];
	for await (const s of cp.list({ threadId })) out.push(s.size);
	return out.reverse();
}

describe("checkpoint format", () => {
	it("stores what each step wrote, so append-only state costs O(new data) per step", async () => {
		const cp = new MemoryCheckpointer();
		const graph = agentLoop(cp);
		const out = await graph.invoke(
			{
				messages: [{ role: "human", content: text("user request:") }],
				maxLoops: 300,
			},
			{ threadId: "t", recursionLimit: 700 },
		);
		expect(out.messages).toHaveLength(601);
		const perCheckpoint = await sizes(cp, "t");
		expect(perCheckpoint).toHaveLength(601);
		// the last checkpoint is no bigger than an early one: no whole-state copies per step
		expect(perCheckpoint.at(-1)!).toBeLessThan(perCheckpoint[2]! * 1.5);
		// deltas (≈ 1× the final state) plus snapshots at doubling chain lengths (< 2×): linear storage
		const finalState = JSON.stringify(out).length;
		expect(cp.storedBytes("t")).toBeLessThan(finalState * 3.5);
	});

	it("writes a snapshot now and then, and rebuilds any state from the nearest one", async () => {
		const cp = new MemoryCheckpointer();
		const graph = agentLoop(cp, { minSteps: 10, maxSteps: 40 });
		await graph.invoke(
			{ messages: [], maxLoops: 60 },
			{ threadId: "t", recursionLimit: 200 },
		);
		const flags: boolean[] = [];
		for await (const s of cp.list({ threadId: "t" }))
			flags.push(s.metadata.snapshot);
		expect(flags.filter(Boolean).length).toBeGreaterThan(2);
		let chainLongest = 0;
		for await (const s of cp.list({ threadId: "t" })) {
			const chain = await cp.getChain({
				threadId: "t",
				checkpointId: s.checkpointId,
			});
			chainLongest = Math.max(chainLongest, chain.length);
			const state = await graph.getState({
				threadId: "t",
				checkpointId: s.checkpointId,
			});
			expect(state.values.messages).toHaveLength(s.step);
		}
		expect(chainLongest).toBeLessThanOrEqual(41);
	});

	it("gives checkpoint ids that sort by time and parent links that form a tree", async () => {
		const cp = new MemoryCheckpointer();
		const graph = agentLoop(cp);
		await graph.invoke({ messages: [], maxLoops: 2 }, { threadId: "t" });
		const list: Array<{ id: string; parent: string | null }> = [];
		for await (const s of cp.list({ threadId: "t" }))
			list.push({ id: s.checkpointId, parent: s.parentId });
		list.reverse();
		for (let i = 1; i < list.length; i++) {
			expect(list[i]!.id > list[i - 1]!.id).toBe(true);
			expect(list[i]!.parent).toBe(list[i - 1]!.id);
		}
	});

	it("prunes old checkpoints and keeps every kept one readable", async () => {
		const cp = new MemoryCheckpointer();
		const graph = agentLoop(cp);
		await graph.invoke({ messages: [], maxLoops: 20 }, { threadId: "t" });
		const before = await graph.getState({ threadId: "t" });
		const removed = await graph.prune("t", { keepLast: 5 });
		expect(removed).toBe(36);
		const left: number[] = [];
		for await (const s of graph.getStateHistory({ threadId: "t" }))
			left.push(s.values.messages.length);
		expect(left).toEqual([40, 39, 38, 37, 36]);
		expect((await graph.getState({ threadId: "t" })).values).toEqual(
			before.values,
		);
		const more = await graph.invoke({ maxLoops: 22 }, { threadId: "t" });
		expect(more.loops).toBe(22);
	});
});

describe("pending writes of a committed step", () => {
	const Fan = z.object({
		items: z.array(z.string()).default([]),
		out: reducer(
			z.array(z.string()),
			(a, b) => [...a, ...b],
			() => [],
		),
	});
	function fanOut(checkpointer: MemoryCheckpointer) {
		return new StateGraph(Fan)
			.addNode("split", () => ({}))
			.addNode("work", async (s: { items: string[] }, ctx) => {
				const effect = await ctx.once("effect", async () => s.items[0]!);
				if (effect === "b") await ctx.interrupt("check b");
				return { out: [effect] };
			})
			.addEdge(START, "split")
			.addConditionalEdges("split", (s) =>
				s.items.map((i) => new Send("work", { items: [i] })),
			)
			.addEdge("work", END)
			.compile({ checkpointer });
	}
	async function pendingCounts(cp: MemoryCheckpointer, threadId: string) {
		const counts: number[] = [];
		for await (const s of cp.list({ threadId })) {
			const t = await cp.getTuple({ threadId, checkpointId: s.checkpointId });
			counts.push(t!.pendingWrites.length);
		}
		return counts.reverse();
	}

	it("are kept until the step commits, then dropped: a step's results are stored once", async () => {
		const cp = new MemoryCheckpointer();
		const graph = fanOut(cp);
		const paused = await graph.run(
			{ items: ["a", "b", "c"] },
			{ threadId: "t" },
		);
		expect(paused.status).toBe("interrupted");
		// the fan-out step's finished tasks, once results and the interrupt wait at its checkpoint
		expect((await pendingCounts(cp, "t")).at(-1)).toBeGreaterThan(0);
		const done = await graph.run(new Command({ resume: "ok" }), {
			threadId: "t",
		});
		expect(done.values.out).toEqual(["a", "b", "c"]);
		expect(await pendingCounts(cp, "t")).toEqual([0, 0, 0]);
	});

	it("stay with the old branch when a replay starts a new one from that checkpoint", async () => {
		const cp = new MemoryCheckpointer();
		const graph = fanOut(cp);
		const paused = await graph.run({ items: ["b"] }, { threadId: "t" });
		await graph.replay({ threadId: "t", checkpointId: paused.checkpointId! });
		const old = await graph.getState({
			threadId: "t",
			checkpointId: paused.checkpointId!,
		});
		expect(old.interrupts.map((i) => i.value)).toEqual(["check b"]);
	});
});
