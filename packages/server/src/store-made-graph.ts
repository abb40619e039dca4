import { corruptCheckpointOf } from "@weft/checkpoint";
import type { ServerContext } from "./context.ts";
import { storeMadeRecord, type ThreadRecord } from "./thread-registry.ts";
import { assistantId } from "./wire-ids.ts";

/**
 * The registered graph a thread made on the store without the server was run with, as its newest
 * checkpoint records it: the graph whose module is its `graph` (`weft run`'s module#export, matched by
 * `graphOfModule`), else its `graph_id` (a server's run, or a script's own metadata) when that names a
 * registered graph. Undefined when neither says: the only registered graph is not assumed, since the
 * thread may have been run with a module this server does not serve.
 */
export async function recordedGraphOf(
	ctx: ServerContext,
	threadId: string,
): Promise<string | undefined> {
	let metadata: Record<string, unknown> | undefined;
	try {
		for await (const s of ctx.checkpointer.list({ threadId }, { limit: 1 }))
			metadata = s.metadata;
	} catch (error) {
		// an unreadable newest checkpoint names no graph: the thread is still listed (its state read fails
		// where it is read, as before)
		if (corruptCheckpointOf(error) !== undefined) return undefined;
		throw error;
	}
	const module = metadata?.graph;
	const byModule =
		typeof module === "string" ? ctx.graphOfModule?.(module) : undefined;
	if (byModule !== undefined && ctx.graphs.has(byModule)) return byModule;
	const named = metadata?.graph_id;
	return typeof named === "string" && ctx.graphs.has(named) ? named : undefined;
}

/**
 * The record of a store-made thread (`storeMadeRecord`) carrying the graph it was run with, when its
 * checkpoints say (`recordedGraphOf`): `graphId`, and `graph_id` / `assistant_id` in its metadata as a
 * server run sets them, so `threads.search({ metadata: { graph_id } })` finds it.
 */
export async function storeMadeThread(
	ctx: ServerContext,
	stored: { threadId: string; createdAt: string },
): Promise<ThreadRecord> {
	const record = storeMadeRecord(stored);
	const graphId = await recordedGraphOf(ctx, stored.threadId);
	if (graphId === undefined) return record;
	return {
		...record,
		graphId,
		metadata: { graph_id: graphId, assistant_id: assistantId(graphId) },
	};
}
