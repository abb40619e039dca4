import type { CheckpointSummary } from "@weft/checkpoint";
import { Hono } from "hono";
import {
	type Env,
	ownedThread,
	ownerOf,
	type ServerContext,
} from "../context.ts";
import { toThread } from "./threads.ts";

/**
 * `POST /threads/:thread_id/copy` (the SDK's `threads.copy`): a new thread, owned by the caller, with the
 * same metadata, the same ttl, and every checkpoint of the root graph (all branches, pending interrupts included) under
 * the same checkpoint ids, with those of its subgraphs' namespaces (two levels deep: a subgraph node, and a
 * subgraph node inside one), in the order the source's store gave them: a copy paused inside a subgraph
 * resumes there, as its source does.
 */
export function threadCopyRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	app.post("/", async (c) => {
		const source = await ownedThread(ctx, c, c.req.param("thread_id")!);
		const copy = ctx.registry.createThread({
			owner: ownerOf(c),
			metadata: source.metadata,
			// its ttl too: a copy of a thread that expires would otherwise outlive it (decision 0099)
			ttlMinutes: source.ttlMinutes,
		});
		copy.graphId = source.graphId;
		const summaries: CheckpointSummary[] = [];
		for (const ns of namespacesOf(ctx, source.graphId))
			for await (const s of ctx.checkpointer.list({
				threadId: source.threadId,
				ns,
			}))
				summaries.push(s);
		// across namespaces as in the source: a subgraph's checkpoints between its parent's
		summaries.sort((a, b) => a.seq - b.seq);
		for (const s of summaries) {
			const tuple = await ctx.checkpointer.getTuple({
				threadId: source.threadId,
				ns: s.ns,
				checkpointId: s.checkpointId,
			});
			if (tuple === undefined) continue;
			const { size: _size, seq: _seq, ...record } = tuple.checkpoint;
			await ctx.checkpointer.put({ ...record, threadId: copy.threadId });
			if (tuple.pendingWrites.length > 0)
				await ctx.checkpointer.putWrites(
					{ threadId: copy.threadId, ns: s.ns, checkpointId: s.checkpointId },
					tuple.pendingWrites,
				);
		}
		const info = await ctx.checkpointer.getThread(source.threadId);
		// a copy taken mid-run keeps what the store says its checkpoints are; it is not running
		if (
			info !== undefined &&
			info.status !== "stale" &&
			info.status !== "running" &&
			summaries.length > 0
		)
			await ctx.checkpointer.setThreadStatus(copy.threadId, info.status);
		return c.json(await toThread(ctx, copy));
	});
	return app;
}

/**
 * The namespaces a thread of the graph may hold checkpoints in: the root's (""), each subgraph node's
 * (`inner`), and each node's inside a subgraph (`inner:deeper`, a checkpoint namespace when that node
 * runs a subgraph of its own: the graph describes a subgraph's nodes, not theirs). A namespace without
 * checkpoints lists none.
 */
function namespacesOf(
	ctx: ServerContext,
	graphId: string | undefined,
): string[] {
	const graph = graphId === undefined ? undefined : ctx.graphs.get(graphId);
	if (graph === undefined) return [""];
	const ids = graph
		.describe()
		.nodes.filter(
			(n) =>
				n.name !== "__start__" &&
				n.name !== "__end__" &&
				(n.parent !== null || n.subgraph),
		)
		.map((n) => n.id.replaceAll("/", ":"));
	return ["", ...new Set(ids)];
}
