import {
	type Checkpointer,
	type CheckpointRecord,
	newCheckpointId,
	type PendingWrite,
	threadLeaseOf,
} from "@weft/checkpoint";
import { pendingInterrupts } from "@weft/graph";
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

/**
 * A rolled-back resume that committed no step left its answer recorded at the checkpoint it answered (and
 * what its node recorded after taking it): the question reads answered, and a new answer is refused. The
 * thread is given a head that reads as before the run (decision 0214): a branch copy of that checkpoint
 * (source "fork", `metadata.forkOf`, as the runtime's own copies) with the records as they were before the
 * answer, so the question is pending again there. Nothing is removed: the answered checkpoint stays, a
 * head no run continues (the thread's newest head is the copy). Returns the copy's id, or undefined when
 * there is nothing to undo (not a resume, a step committed, no answer recorded at `at`).
 *
 * `at`: the checkpoint the thread reads as now (`headOf`; undefined for the newest). Called once the run
 * has stopped; a run still holding the thread's lease is left alone (its caller refuses the new run).
 */
export async function unanswer(
	checkpointer: Checkpointer,
	threadId: string,
	run: { runId: string; kwargs?: Record<string, unknown> | undefined },
	at: string | undefined,
): Promise<string | undefined> {
	const kwargs = run.kwargs ?? {};
	const command = kwargs.command;
	if (typeof command !== "object" || command === null || !("resume" in command))
		return undefined;
	// a resume with `update` commits the update's checkpoint first: rolled back by forking (0036)
	if ((command as { update?: unknown }).update != null) return undefined;
	if ((await rollbackStart(checkpointer, threadId, run.runId)) !== undefined)
		return undefined;
	const lease = (await threadLeaseOf(checkpointer, threadId))?.lease;
	if (lease != null && Date.parse(lease.expiresAt) > Date.now())
		return undefined;
	const explicit =
		typeof kwargs.checkpoint_id === "string"
			? kwargs.checkpoint_id
			: (kwargs.checkpoint as { checkpoint_id?: unknown } | undefined)
					?.checkpoint_id;
	const tuple = await checkpointer.getTuple({
		threadId,
		ns: "",
		checkpointId: typeof explicit === "string" ? explicit : at,
	});
	// a question still pending there: the run answered nothing (it never started, say)
	if (tuple === undefined || pendingInterrupts(tuple).length > 0)
		return undefined;
	const kept = beforeAnswer(tuple.pendingWrites);
	if (kept === undefined) return undefined;
	const before = { checkpoint: tuple.checkpoint, pendingWrites: kept };
	// the answer must have been to a question pending before it (else it was no answer of this run's)
	if (pendingInterrupts(before).length === 0) return undefined;
	const c = tuple.checkpoint;
	const { usage: _spent, ...metadata } = c.metadata;
	const copy: CheckpointRecord = {
		threadId,
		ns: "",
		checkpointId: newCheckpointId(),
		parentId: c.parentId,
		step: c.step,
		source: "fork",
		createdAt: new Date().toISOString(),
		metadata: { ...metadata, forkOf: c.checkpointId },
		data: c.data,
	};
	// a copy leaves the usage where it was spent, counted once (decision 0206)
	const carried = kept.filter((w) => w.kind !== "usage");
	await checkpointer.put(
		copy,
		carried.length > 0 ? { pendingWrites: carried } : {},
	);
	await checkpointer.setThreadStatus(threadId, "interrupted");
	return copy.checkpointId;
}

/**
 * The records of a checkpoint as they were before the last answer given there: all before the last run
 * of `resume` records (a run records its answers together, first, then what its nodes do with them); an
 * earlier answer, to a question its node asked before the one answered last, stays. Undefined when no
 * answer was recorded.
 */
function beforeAnswer(
	records: readonly PendingWrite[],
): PendingWrite[] | undefined {
	let last = -1;
	for (let i = records.length - 1; i >= 0; i--)
		if (records[i]!.kind === "resume") {
			last = i;
			break;
		}
	if (last < 0) return undefined;
	let first = last;
	while (first > 0 && records[first - 1]!.kind === "resume") first--;
	return records.slice(0, first);
}
