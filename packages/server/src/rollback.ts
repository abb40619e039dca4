import type { Checkpointer } from "@weft/checkpoint";
import type { RunCreateBody } from "./schemas.ts";

/**
 * A run's request as the server keeps it (and queues it for a worker): what the client sent, and for a
 * run started with `multitask_strategy: "rollback"`, where it starts (set by the server; the wire schema
 * strips it from what clients send). See `rollbackStart`.
 */
export type RunRequest = RunCreateBody & {
	rollback_start?: string | null | undefined;
};

/**
 * Where the run that rolls `runId` back starts, once that run has stopped: the thread's newest checkpoint
 * before the rolled-back run's first one (the thread's latest when that run started), or `null` when the
 * run was the thread's first (the new run starts from the empty state, as a new root). Undefined when the
 * run committed nothing: the thread is as it was before it. The rolled-back run's checkpoints stay, as a
 * branch that no later run continues (LangGraph deletes them; Weft's stores only ever add records).
 */
export async function rollbackStart(
	checkpointer: Checkpointer,
	threadId: string,
	runId: string,
): Promise<string | null | undefined> {
	let first: string | undefined; // newest first: the last one listed is the run's first
	for await (const c of checkpointer.list(
		{ threadId },
		{ filter: { run_id: runId } },
	))
		first = c.checkpointId;
	if (first === undefined) return undefined;
	for await (const c of checkpointer.list(
		{ threadId },
		{ before: first, limit: 1 },
	))
		return c.checkpointId;
	return null;
}
