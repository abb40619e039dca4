// API.md "Threads, leases and branches": resuming on a graph that lacks what the checkpoint needs throws
// GRAPH_CHANGED naming it, and nothing saved changes. Here what the checkpoint needs is a node's kind: an
// interrupt asked inside a subgraph node is answered by that subgraph, not by a plain function that took
// the node's name, and the reverse (decision 0130).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	type Checkpointer,
	Command,
	isWeftError,
	type NodeContext,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({ topic: z.string() });
type S = z.infer<typeof State>;

const dir = mkdtempSync(join(tmpdir(), "weft-graph-changed-sub-"));
const opened: SqliteCheckpointer[] = [];
afterAll(() => {
	for (const cp of opened) cp.close();
	rmSync(dir, { recursive: true, force: true });
});
let files = 0;
function sqlite(): SqliteCheckpointer {
	const cp = new SqliteCheckpointer({ path: join(dir, `t${files++}.db`) });
	opened.push(cp);
	return cp;
}

/** A node that asks, and takes the answer as the topic. */
const asks = async (_s: S, ctx: NodeContext) => ({
	topic: String(await ctx.interrupt("ok?")),
});

/** A subgraph whose node `inner` asks. */
const inner = (name = "ask") =>
	new StateGraph(State).addNode(name, asks).addEdge(START, name).compile();

type Review = "subgraph" | "function" | "calls-subgraph";
function outer(cp: Checkpointer, review: Review, innerName = "ask") {
	const g = new StateGraph(State);
	const withReview =
		review === "subgraph"
			? g.addNode("review", inner(innerName))
			: review === "function"
				? g.addNode("review", asks)
				: g.addNode("review", (s: S, ctx: NodeContext) =>
						inner(innerName).invokeAsSubgraph(ctx, s),
					);
	return withReview.addEdge(START, "review").compile({ checkpointer: cp });
}

/** Everything the thread has saved: each namespace's checkpoints with their records, and the status. */
async function saved(cp: Checkpointer): Promise<unknown> {
	const out: unknown[] = [(await cp.getThread("t"))?.status];
	for (const ns of ["", "review"]) {
		for await (const s of cp.list({ threadId: "t", ns })) {
			const tuple = await cp.getTuple({
				threadId: "t",
				ns,
				checkpointId: s.checkpointId,
			});
			out.push([ns, s.checkpointId, tuple?.pendingWrites]);
		}
	}
	return out;
}

async function refused(p: Promise<unknown>): Promise<Error> {
	const error = await p.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(isWeftError(error, "GRAPH_CHANGED")).toBe(true);
	return error as Error;
}

describe("GRAPH_CHANGED when a paused node changed kind (SQLite file)", () => {
	it("a subgraph's question is not answered by the plain function that replaced it", async () => {
		const cp = sqlite();
		const first = await outer(cp, "subgraph").run(
			{ topic: "t" },
			{ threadId: "t" },
		);
		expect(first.status).toBe("interrupted");
		const before = await saved(cp);
		const error = await refused(
			outer(cp, "function").run(new Command({ resume: "yes" }), {
				threadId: "t",
			}),
		);
		expect(error.message).toContain('node "review"');
		expect(error.message).toContain('subgraph at "review"');
		expect((error as Error & { hint?: string }).hint).toBeTruthy();
		expect(await saved(cp)).toEqual(before);
		expect((await cp.getThread("t"))?.status).toBe("interrupted");
		// the graph it was asked on still takes the answer
		expect(
			await outer(cp, "subgraph").invoke(new Command({ resume: "yes" }), {
				threadId: "t",
			}),
		).toEqual({ topic: "yes" });
	});

	it("a function that replaced the subgraph and asks nothing does not drop its question", async () => {
		const cp = sqlite();
		await outer(cp, "subgraph").run({ topic: "t" }, { threadId: "t" });
		const before = await saved(cp);
		const silent = new StateGraph(State)
			.addNode("review", () => ({ topic: "decided alone" }))
			.addEdge(START, "review")
			.compile({ checkpointer: cp });
		const error = await refused(
			silent.run(new Command({ resume: "yes" }), { threadId: "t" }),
		);
		expect(error.message).toContain('subgraph at "review"');
		expect(await saved(cp)).toEqual(before);
	});

	it("a plain function's question is not answered by the subgraph that replaced it", async () => {
		for (const now of ["subgraph", "calls-subgraph"] as const) {
			const cp = sqlite();
			await outer(cp, "function").run({ topic: "t" }, { threadId: "t" });
			const before = await saved(cp);
			const error = await refused(
				outer(cp, now).run(new Command({ resume: "yes" }), { threadId: "t" }),
			);
			expect(error.message).toContain('node "review"');
			expect(error.message).toContain("asked by the node itself");
			expect(await saved(cp)).toEqual(before);
			expect(
				await outer(cp, "function").invoke(new Command({ resume: "yes" }), {
					threadId: "t",
				}),
			).toEqual({ topic: "yes" });
		}
	});

	it("a subgraph whose asking node was renamed is GRAPH_CHANGED naming both, and nothing changes", async () => {
		const cp = sqlite();
		await outer(cp, "subgraph").run({ topic: "t" }, { threadId: "t" });
		const before = await saved(cp);
		const error = await refused(
			outer(cp, "subgraph", "askAgain").run(new Command({ resume: "yes" }), {
				threadId: "t",
			}),
		);
		expect(error.message).toContain('node "ask"');
		expect(error.message).toContain('subgraph at "review"');
		expect(await saved(cp)).toEqual(before);
		expect(
			await outer(cp, "subgraph").invoke(new Command({ resume: "yes" }), {
				threadId: "t",
			}),
		).toEqual({ topic: "yes" });
	});

	it("a subgraph node rewritten as a function that invokes the same subgraph still takes its answer", async () => {
		const cp = sqlite();
		await outer(cp, "subgraph").run({ topic: "t" }, { threadId: "t" });
		expect(
			await outer(cp, "calls-subgraph").invoke(new Command({ resume: "yes" }), {
				threadId: "t",
			}),
		).toEqual({ topic: "yes" });
	});
});
