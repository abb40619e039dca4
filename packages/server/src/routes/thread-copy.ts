import type {
	CheckpointMetadata,
	CheckpointSummary,
	CheckpointTuple,
} from "@weft/checkpoint";
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
 * the same checkpoint ids, with those of its subgraphs' namespaces (`checkpointsOf`), in the order the
 * source's store gave them: a copy paused inside a subgraph, however deep, resumes there, as its source does.
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
		const tuples = await checkpointsOf(ctx, source.threadId, source.graphId);
		for (const { checkpoint, pendingWrites } of tuples) {
			const { size: _size, seq: _seq, ...record } = checkpoint;
			await ctx.checkpointer.put({
				...record,
				threadId: copy.threadId,
				metadata: renamed(record.metadata, copy.threadId),
			});
			if (pendingWrites.length > 0)
				await ctx.checkpointer.putWrites(
					{
						threadId: copy.threadId,
						ns: checkpoint.ns,
						checkpointId: checkpoint.checkpointId,
					},
					pendingWrites,
				);
		}
		const info = await ctx.checkpointer.getThread(source.threadId);
		// a copy taken mid-run keeps what the store says its checkpoints are; it is not running
		if (
			info !== undefined &&
			info.status !== "stale" &&
			info.status !== "running" &&
			tuples.length > 0
		)
			await ctx.checkpointer.setThreadStatus(copy.threadId, info.status);
		return c.json(await toThread(ctx, copy));
	});
	return app;
}

/**
 * A copied checkpoint's metadata: the run metadata's `thread_id` (a server run writes it on each
 * checkpoint) names the copy, as LangGraph's server rewrites it on copy; metadata without one is kept.
 */
function renamed(
	metadata: CheckpointMetadata,
	threadId: string,
): CheckpointMetadata {
	return typeof metadata.thread_id === "string"
		? { ...metadata, thread_id: threadId }
		: metadata;
}

/**
 * Every checkpoint of the thread to copy, with its pending writes, in the source's order across namespaces
 * (a subgraph's checkpoints between its parent's): those of the namespaces the graph describes, and of any
 * namespace a pending question was asked in (`subgraph` of an interrupt record), however deep.
 */
async function checkpointsOf(
	ctx: ServerContext,
	threadId: string,
	graphId: string | undefined,
): Promise<CheckpointTuple[]> {
	const tuples: CheckpointTuple[] = [];
	const queue = namespacesOf(ctx, graphId);
	const seen = new Set<string>();
	for (let i = 0; i < queue.length; i++) {
		const ns = queue[i]!;
		if (seen.has(ns)) continue;
		seen.add(ns);
		const summaries: CheckpointSummary[] = [];
		for await (const s of ctx.checkpointer.list({ threadId, ns }))
			summaries.push(s);
		for (const s of summaries) {
			const tuple = await ctx.checkpointer.getTuple({
				threadId,
				ns,
				checkpointId: s.checkpointId,
			});
			if (tuple === undefined) continue;
			tuples.push(tuple);
			for (const w of tuple.pendingWrites)
				if (w.kind === "interrupt" && w.subgraph !== undefined)
					queue.push(w.subgraph);
		}
	}
	return tuples.sort((a, b) => a.checkpoint.seq - b.checkpoint.seq);
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
