// The status a thread is left with by `updateState`: what is due at the head it wrote, in every store.
import type { Checkpointer } from "@weft/checkpoint";
import {
	human,
	mayBeWaiting,
	START,
	StateGraph,
	waitingRequests,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "./test-stores.ts";

const State = z.object({
	draft: z.string().default(""),
	sent: z.string().default(""),
});

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.object({ action: z.string() }),
});

const stores = await testStores();

function build(cp: Checkpointer) {
	return new StateGraph(State)
		.addNode("write", (s) => ({ draft: `${s.draft}!` }))
		.addNode("approve", async (s, ctx) => ({
			sent: (await review.ask(ctx, { draft: s.draft })).action,
		}))
		.addEdge(START, "write")
		.addEdge("write", "approve")
		.compile({ checkpointer: cp });
}

describe.each(Object.entries(stores))(
	"updateState and the thread's status (%s)",
	(_name, store) => {
		it("an update as the last node of a paused thread leaves it done, with nothing waiting", async () => {
			const cp = await store();
			const graph = build(cp);
			expect((await graph.run({ draft: "a" }, { threadId: "t" })).status).toBe(
				"interrupted",
			);
			// the user answers by hand: the approval's node is written as having returned
			await graph.updateState(
				{ threadId: "t" },
				{ sent: "by hand" },
				{ asNode: "approve" },
			);
			expect((await cp.getThread("t"))?.status).toBe("done");
			expect((await graph.getState({ threadId: "t" })).next).toEqual([]);
			expect(await cp.listThreads({ status: "interrupted" })).toEqual([]);
			const thread = (await cp.getThread("t"))!;
			expect(mayBeWaiting(thread)).toBe(false);
			expect(await waitingRequests(cp, thread)).toEqual([]);
		});

		it("an update with a node due keeps the thread's status (the request still waits)", async () => {
			const cp = await store();
			const graph = build(cp);
			await graph.run({ draft: "a" }, { threadId: "t" });
			await graph.updateState({ threadId: "t" }, { draft: "b" });
			expect((await cp.getThread("t"))?.status).toBe("interrupted");
			const thread = (await cp.getThread("t"))!;
			expect(mayBeWaiting(thread)).toBe(true);
			expect(await waitingRequests(cp, thread)).toHaveLength(1);
		});

		it("a thread made by an update is done, not stale, whether or not a node is due", async () => {
			const cp = await store();
			const graph = build(cp);
			await graph.updateState(
				{ threadId: "ended" },
				{ sent: "x" },
				{ asNode: "approve" },
			);
			await graph.updateState(
				{ threadId: "due" },
				{ draft: "x" },
				{ asNode: "write" },
			);
			expect((await cp.getThread("ended"))?.status).toBe("done");
			expect((await cp.getThread("due"))?.status).toBe("done");
			expect((await graph.getState({ threadId: "due" })).next).toEqual([
				"approve",
			]);
			// and it runs from there
			const run = await graph.run(null, { threadId: "due" });
			expect(run.status).toBe("interrupted");
			expect((await cp.getThread("due"))?.status).toBe("interrupted");
		});

		it("an update that fails leaves the status as it was", async () => {
			const cp = await store();
			const graph = build(cp);
			await graph.run({ draft: "a" }, { threadId: "t" });
			await expect(
				graph.updateState(
					{ threadId: "t", checkpointId: "0000-missing" },
					{ sent: "x" },
					{ asNode: "approve" },
				),
			).rejects.toThrow();
			expect((await cp.getThread("t"))?.status).toBe("interrupted");
		});
	},
);
