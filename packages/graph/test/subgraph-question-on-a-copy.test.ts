import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type Checkpointer,
	Command,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Store, stores } from "./durable/stores.ts";

// A question a subgraph asked, carried to a copy of the paused checkpoint (updateState, a Command with
// update and resume, a resume from a paused checkpoint that already has a child): the answer goes on
// from where the subgraph paused, as it does for a node's own question. Found from outside: the subgraph
// started over (re-running its steps) and asked again, leaving two questions pending for one task.
// The subgraph's state is its own: it goes on with the state it paused with, and the parent's edit
// stays in the parent's state (decision 0149).
const State = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	note: z.string().optional(),
});

const dir = mkdtempSync(join(tmpdir(), "weft-sub-copy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// every store: a backend-specific record shape would show here (the question's child checkpoint)
const memory: Store = {
	name: "memory" as Store["name"],
	create: async () => "",
	open: async () => new MemoryCheckpointer(),
	drop: async () => {},
};
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const close of opened.splice(0)) await close();
});

function build(checkpointer: Checkpointer) {
	const calls = { prepare: 0 };
	const inner = new StateGraph(State)
		.addNode("prepare", () => {
			calls.prepare++;
			return { log: ["prepare"] };
		})
		.addNode("ask", async (s, ctx) => {
			const answer = await ctx.interrupt("ok?");
			return { log: [`ask:${s.note ?? "-"}:${String(answer)}`] };
		})
		.addEdge(START, "prepare")
		.addEdge("prepare", "ask")
		.compile();
	const graph = new StateGraph(State)
		.addNode("pre", () => ({ log: ["pre"] }))
		.addNode("sub", inner)
		.addNode("post", () => ({ log: ["post"] }))
		.addEdge(START, "pre")
		.addEdge("pre", "sub")
		.addEdge("sub", "post")
		.compile({ checkpointer });
	return { graph, calls };
}

describe.each([memory, ...(await stores())])(
	"a subgraph's question on a copy of its checkpoint ($name)",
	(store) => {
		let n = 0;
		const make = async (): Promise<Checkpointer> => {
			const at = join(dir, `${store.name}-${n++}`);
			mkdirSync(at);
			const location = await store.create(at);
			const checkpointer = await store.open(location);
			opened.push(async () => {
				await (checkpointer as { close?: () => unknown }).close?.();
				await store.drop(location);
			});
			return checkpointer;
		};
		it("is answered after updateState: the subgraph goes on from its pause", async () => {
			const { graph, calls } = build(await make());
			const paused = await graph.run({}, { threadId: "t" });
			expect(paused.interrupts).toHaveLength(1);
			await graph.updateState({ threadId: "t" }, { note: "edited" });
			const state = await graph.getState({ threadId: "t" });
			expect(state.interrupts.map((i) => i.id)).toEqual([
				paused.interrupts[0]!.id,
			]);

			const done = await graph.run(new Command({ resume: "yes" }), {
				threadId: "t",
			});
			expect(done.status).toBe("done");
			expect(done.values).toEqual({
				log: ["pre", "prepare", "ask:-:yes", "post"],
				note: "edited",
			});
			expect(calls.prepare).toBe(1);
		});

		it("is answered after updateState when the subgraph asked in its first step (its input not counted twice)", async () => {
			const inner = new StateGraph(State)
				.addNode("ask", async (_, ctx) => ({
					log: [`ask:${String(await ctx.interrupt("ok?"))}`],
				}))
				.addEdge(START, "ask")
				.compile();
			const graph = new StateGraph(State)
				.addNode("pre", () => ({ log: ["pre"] }))
				.addNode("sub", inner)
				.addEdge(START, "pre")
				.addEdge("pre", "sub")
				.compile({ checkpointer: await make() });
			await graph.run({}, { threadId: "t" });
			await graph.updateState({ threadId: "t" }, { note: "edited" });
			const done = await graph.run(new Command({ resume: "yes" }), {
				threadId: "t",
			});
			expect(done.values).toEqual({ log: ["pre", "ask:yes"], note: "edited" });
		});

		it("is answered by a Command with update and resume", async () => {
			const { graph, calls } = build(await make());
			await graph.run({}, { threadId: "t" });
			const done = await graph.run(
				new Command({ resume: "yes", update: { note: "n" } }),
				{ threadId: "t" },
			);
			expect(done.status).toBe("done");
			expect(done.values).toEqual({
				log: ["pre", "prepare", "ask:-:yes", "post"],
				note: "n",
			});
			expect(calls.prepare).toBe(1);
		});

		it("is answered on a new branch from the paused checkpoint, the other branch left as it was", async () => {
			const { graph, calls } = build(await make());
			const paused = await graph.run({}, { threadId: "t" });
			await graph.updateState({ threadId: "t" }, { note: "other" });
			const other = await graph.run(new Command({ resume: "first" }), {
				threadId: "t",
			});
			expect(other.values.log).toEqual([
				"pre",
				"prepare",
				"ask:-:first",
				"post",
			]);

			const branch = await graph.run(new Command({ resume: "second" }), {
				threadId: "t",
				checkpointId: paused.checkpointId!,
			});
			expect(branch.status).toBe("done");
			expect(branch.values.log).toEqual([
				"pre",
				"prepare",
				"ask:-:second",
				"post",
			]);
			expect(calls.prepare).toBe(1);
			const otherNow = await graph.getState({
				threadId: "t",
				checkpointId: other.checkpointId!,
			});
			expect(otherNow.values.log).toEqual(other.values.log);
		});
	},
);
