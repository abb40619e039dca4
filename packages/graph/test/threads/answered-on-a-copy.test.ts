// A question at a checkpoint that is no head any more (an update made a sibling branch) is answered on a
// copy of it; once answered there, a second answer at the checkpoint is refused, not run again (audit,
// 4 Dec: two answers each ran what follows the approval).
import type { Checkpointer } from "@weft/checkpoint";
import {
	Command,
	human,
	type NodeContext,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "./test-stores.ts";

const State = z.object({
	topic: z.string().default(""),
	verdict: z.string().default(""),
});

const Answer = z.object({ action: z.enum(["approve", "reject"]) });
const review = human("copy-review", {
	request: z.object({ topic: z.string() }),
	response: Answer,
});

const stores = await testStores();

type Ask = (ctx: NodeContext, topic: string) => Promise<{ action: string }>;
const byHuman: Ask = (ctx, topic) => review.ask(ctx, { topic });
/** An answer the node itself checks: refused only once the run has started (no schema known before). */
const inNode: Ask = (ctx, topic) =>
	ctx.interrupt({ topic }, { validate: (v) => Answer.parse(v) });

function build(cp: Checkpointer, effects: string[], ask = byHuman) {
	return new StateGraph(State)
		.addNode("a", (s) => ({ topic: s.topic }))
		.addNode("review", async (s, ctx) => ({
			verdict: (await ask(ctx, s.topic)).action,
		}))
		.addNode("b", (s) => {
			effects.push(`${s.topic}:${s.verdict}`);
			return {};
		})
		.addEdge(START, "a")
		.addEdge("a", "review")
		.addEdge("review", "b")
		.compile({ checkpointer: cp });
}

describe.each(Object.keys(stores))(
	"a question answered on a copy (%s)",
	(name) => {
		it("is answered once: a second answer at the checkpoint is NO_PENDING_INTERRUPT naming the copy", async () => {
			const cp = await stores[name]!();
			const effects: string[] = [];
			const graph = build(cp, effects);
			const paused = await graph.run({ topic: "tea" }, { threadId: "t" });
			expect(paused.status).toBe("interrupted");
			const at = paused.checkpointId!;
			// a sibling branch: the paused checkpoint is no head any more
			await graph.updateState(
				{ threadId: "t", checkpointId: at },
				{ topic: "coffee" },
				{ asNode: "a" },
			);
			const first = await graph.run(
				new Command({ resume: { action: "approve" } }),
				{ threadId: "t", checkpointId: at },
			);
			expect(first.status).toBe("done");
			expect(effects).toEqual(["tea:approve"]);
			// the copy says what it copies
			const copies: string[] = [];
			for await (const c of graph.getStateHistory({ threadId: "t" }))
				if (c.source === "fork") {
					expect(c.metadata.forkOf).toBe(at);
					copies.push(c.checkpointId);
				}
			expect(copies).toHaveLength(1);
			const copy = copies[0];

			// the paused checkpoint waits no more, and a second answer is refused, running nothing
			expect(
				(await graph.getState({ threadId: "t", checkpointId: at })).interrupts,
			).toEqual([]);
			const second = graph.run(new Command({ resume: { action: "reject" } }), {
				threadId: "t",
				checkpointId: at,
			});
			await expect(second).rejects.toMatchObject({
				code: "NO_PENDING_INTERRUPT",
				message: expect.stringContaining(`its copy "${copy}"`),
				hint: expect.stringContaining("replay("),
			});
			expect(effects).toEqual(["tea:approve"]);

			// to answer differently: a replay asks the question again on a new branch
			const again = await graph.replay({ threadId: "t", checkpointId: at });
			expect(again.status).toBe("interrupted");
			const other = await graph.run(
				new Command({ resume: { action: "reject" } }),
				{ threadId: "t", checkpointId: again.checkpointId! },
			);
			expect(other.status).toBe("done");
			expect(effects).toEqual(["tea:approve", "tea:reject"]);
		});

		it("answers on a copy while no copy took the question up (a copy paused again without an answer)", async () => {
			const cp = await stores[name]!();
			const effects: string[] = [];
			const graph = build(cp, effects);
			const paused = await graph.run({ topic: "tea" }, { threadId: "t" });
			const at = paused.checkpointId!;
			await graph.updateState(
				{ threadId: "t", checkpointId: at },
				{ topic: "coffee" },
				{ asNode: "a" },
			);
			// continuing the paused checkpoint without an answer makes a copy that pauses at the same question
			const waiting = await graph.run(null, {
				threadId: "t",
				checkpointId: at,
			});
			expect(waiting.status).toBe("interrupted");
			expect(
				(await graph.getState({ threadId: "t", checkpointId: at })).interrupts,
			).toHaveLength(1);
			const answered = await graph.run(
				new Command({ resume: { action: "approve" } }),
				{ threadId: "t", checkpointId: at },
			);
			expect(answered.status).toBe("done");
			expect(effects).toEqual(["tea:approve"]);
			// the copy that paused again is a sibling of the answered one: its question waits there no more
			// (found from outside, 5 Dec: answered there too, the approval ran twice)
			const copy = waiting.checkpointId!;
			expect(
				(await graph.getState({ threadId: "t", checkpointId: copy }))
					.interrupts,
			).toEqual([]);
			await expect(
				graph.run(new Command({ resume: { action: "approve" } }), {
					threadId: "t",
					checkpointId: copy,
				}),
			).rejects.toMatchObject({
				code: "NO_PENDING_INTERRUPT",
				message: expect.stringContaining("answered already"),
			});
			expect(effects).toEqual(["tea:approve"]);
		});

		it("a refused answer's copy is no second way to answer the question", async () => {
			const cp = await stores[name]!();
			const effects: string[] = [];
			// a human() answer its schema refuses writes nothing (decision 0261): checked in the node here
			const graph = build(cp, effects, inNode);
			const paused = await graph.run({ topic: "tea" }, { threadId: "t" });
			const at = paused.checkpointId!;
			await graph.updateState(
				{ threadId: "t", checkpointId: at },
				{ topic: "coffee" },
				{ asNode: "a" },
			);
			// an answer the request's schema refuses: the run stops on a copy, the question still open
			const refused = await graph
				.run(new Command({ resume: { action: "maybe" } }), {
					threadId: "t",
					checkpointId: at,
				})
				.catch((e: unknown) => e);
			expect(refused).toMatchObject({ code: "VALIDATION_FAILED" });
			const copies: string[] = [];
			for await (const c of graph.getStateHistory({ threadId: "t" }))
				if (c.source === "fork") copies.push(c.checkpointId);
			expect(copies).toHaveLength(1);
			// answered at the checkpoint (on a copy of its own), the refusal's copy can answer it no more
			const done = await graph.run(
				new Command({ resume: { action: "approve" } }),
				{ threadId: "t", checkpointId: at },
			);
			expect(done.status).toBe("done");
			await expect(
				graph.run(new Command({ resume: { action: "approve" } }), {
					threadId: "t",
					checkpointId: copies[0]!,
				}),
			).rejects.toMatchObject({ code: "NO_PENDING_INTERRUPT" });
			expect(effects).toEqual(["tea:approve"]);
		});

		it("a refused answer on an older branch leaves the thread's status as it was", async () => {
			const cp = await stores[name]!();
			const graph = build(cp, []);
			const paused = await graph.run({ topic: "tea" }, { threadId: "t" });
			const at = paused.checkpointId!;
			// a newer branch from the same start, answered to its end: the thread is done
			const fork = await graph.updateState(
				{ threadId: "t", checkpointId: at },
				{ topic: "coffee" },
				{ asNode: "a" },
			);
			const other = await graph.run(null, {
				threadId: "t",
				checkpointId: fork.checkpointId,
			});
			await graph.run(new Command({ resume: { action: "approve" } }), {
				threadId: "t",
				checkpointId: other.checkpointId!,
			});
			expect((await graph.getThread({ threadId: "t" }))?.status).toBe("done");
			const refused = await graph
				.run(new Command({ resume: { action: "maybe" } }), {
					threadId: "t",
					checkpointId: at,
				})
				.catch((e: unknown) => e);
			expect(refused).toMatchObject({ code: "VALIDATION_FAILED" });
			expect((await graph.getThread({ threadId: "t" }))?.status).toBe("done");
		});
	},
);
