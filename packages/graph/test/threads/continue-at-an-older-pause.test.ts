// Outside check (7 Dec): a run paused before a node (`interruptBefore`) and continued there went on; a
// continue or a replay from that checkpoint later (time travel: it had children by then) paused again
// before the same node on a copy of it, so the branch could never be run past its pause.
import type { Checkpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "./test-stores.ts";

const stores = await testStores();

function build(cp: Checkpointer, ran: string[]) {
	const node =
		(name: string, f: (n: number) => number) => (s: { n: number }) => {
			ran.push(name);
			return { n: f(s.n) };
		};
	return new StateGraph(z.object({ n: z.number() }))
		.addNode(
			"a",
			node("a", (n) => n + 1),
		)
		.addNode(
			"b",
			node("b", (n) => n * 10),
		)
		.addNode(
			"c",
			node("c", (n) => n + 2),
		)
		.addEdge(START, "a")
		.addEdge("a", "b")
		.addEdge("b", "c")
		.addEdge("c", END)
		.compile({ checkpointer: cp, interruptBefore: ["b"] });
}

/** A thread paused before `b`, then continued to the end; the paused checkpoint's id. */
async function pausedThenDone(cp: Checkpointer, ran: string[]) {
	const graph = build(cp, ran);
	const t = { threadId: "t" };
	const paused = await graph.run({ n: 1 }, t);
	expect(paused.status).toBe("interrupted");
	const done = await graph.run(null, t);
	expect(done.values.n).toBe(22);
	return { graph, t, at: paused.checkpointId! };
}

describe.each(Object.keys(stores))(
	"going on from an older pause before a node (%s)",
	(name) => {
		it("a continue at the paused checkpoint runs the paused node on a new branch", async () => {
			const ran: string[] = [];
			const { graph, t, at } = await pausedThenDone(await stores[name]!(), ran);
			const head = (await graph.getState(t)).checkpointId;
			const again = await graph.run(null, { ...t, checkpointId: at });
			expect(again.status).toBe("done");
			expect(again.values.n).toBe(22);
			expect(ran).toEqual(["a", "b", "c", "b", "c"]);
			// the original branch is as it was: its head still there, the paused checkpoint unchanged
			expect((await graph.getThread(t))!.heads).toContain(head);
			expect((await graph.getState({ ...t, checkpointId: at })).next).toEqual([
				"b",
			]);
		});

		it("a replay from the paused checkpoint runs the paused node again", async () => {
			const ran: string[] = [];
			const { graph, t, at } = await pausedThenDone(await stores[name]!(), ran);
			const replayed = await graph.replay({ ...t, checkpointId: at });
			expect(replayed.status).toBe("done");
			expect(replayed.values.n).toBe(22);
			expect(ran).toEqual(["a", "b", "c", "b", "c"]);
		});

		it("a replay from before the pause pauses there again", async () => {
			const ran: string[] = [];
			const { graph, t, at } = await pausedThenDone(await stores[name]!(), ran);
			const parent = (await graph.getState({ ...t, checkpointId: at }))
				.parentCheckpointId!;
			const replayed = await graph.replay({ ...t, checkpointId: parent });
			expect(replayed.status).toBe("interrupted");
			expect(replayed.interrupts).toEqual([
				expect.objectContaining({ node: "b", when: "before" }),
			]);
			expect(ran).toEqual(["a", "b", "c", "a"]);
			const on = await graph.run(null, t);
			expect(on.values.n).toBe(22);
		});

		it("a continue of the newest head past another pause still pauses before the node", async () => {
			const ran: string[] = [];
			const graph = build(await stores[name]!(), ran);
			const t = { threadId: "v" };
			const after = await graph.run({ n: 1 }, { ...t, interruptAfter: ["a"] });
			expect(after.interrupts).toEqual([
				expect.objectContaining({ node: "a", when: "after" }),
			]);
			const before = await graph.run(null, t);
			expect(before.status).toBe("interrupted");
			expect(before.interrupts).toEqual([
				expect.objectContaining({ node: "b", when: "before" }),
			]);
			expect(ran).toEqual(["a"]);
			expect((await graph.run(null, t)).values.n).toBe(22);
		});

		it("an update at the pause, then a continue, runs the paused node with the update", async () => {
			const ran: string[] = [];
			const graph = build(await stores[name]!(), ran);
			const t = { threadId: "u" };
			await graph.run({ n: 1 }, t);
			await graph.updateState(t, { n: 5 });
			const on = await graph.run(null, t);
			expect(on.status).toBe("done");
			expect(on.values.n).toBe(52);
		});
	},
);
