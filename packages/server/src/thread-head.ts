import { isUnreadableData, type ThreadInfo } from "@weft/checkpoint";
import type { StateSnapshot } from "@weft/graph";
import { graphOfThread, type ServerContext } from "./context.ts";
import { rollbackStart } from "./rollback.ts";
import type { RunRecord, ThreadRecord } from "./thread-registry.ts";

/** A thread's status as LangGraph reports it. */
export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

/**
 * The checkpoint a thread reads as "now": undefined for the store's newest (the usual case), else the
 * one it was at before its rolled-back runs (`ThreadRecord.rolledBack`), or null when that is the empty
 * state (a rolled-back first run). The store keeps the rolled-back runs' checkpoints (decision 0036):
 * while the newest is one of theirs, the thread reads as before them, and its next run starts there.
 */
export async function headOf(
	ctx: ServerContext,
	t: ThreadRecord,
): Promise<string | null | undefined> {
	const rolledBack = new Set(t.rolledBack ?? []);
	if (rolledBack.size === 0) return undefined;
	let head: string | null | undefined;
	let metadata: Record<string, unknown> | undefined;
	for await (const c of ctx.checkpointer.list(
		{ threadId: t.threadId },
		{ limit: 1 },
	))
		metadata = c.metadata;
	// a rolled-back run may have forked from another rolled-back run's checkpoints: walk back past all
	while (
		typeof metadata?.run_id === "string" &&
		rolledBack.has(metadata.run_id)
	) {
		const start = await rollbackStart(
			ctx.checkpointer,
			t.threadId,
			metadata.run_id,
		);
		if (start === undefined) break;
		head = start;
		if (start === null) break;
		metadata = (
			await ctx.checkpointer.getTuple({
				threadId: t.threadId,
				checkpointId: start,
			})
		)?.checkpoint.metadata;
	}
	return head;
}

/**
 * The thread's state now (undefined when it has none: no checkpoint, no graph, or rolled back to the
 * empty state) and its status. The status follows the state, as LangGraph sets it after each run and
 * state update: `busy` while a run is active, `error` after a failed run, else `interrupted` when a node
 * is due or an interrupt pending at the head, `idle` otherwise (a state update that answers an
 * interrupt makes the thread idle; one that leaves a node due pauses it there).
 */
export async function threadNow(
	ctx: ServerContext,
	t: ThreadRecord,
	info?: ThreadInfo,
): Promise<{ status: ThreadStatus; snap: StateSnapshot | undefined }> {
	const busy =
		ctx.runs.activeRun(t.threadId) !== undefined || info?.status === "running";
	// stored data that cannot be read (a damaged row): the thread reads `error` (or `busy`), without values,
	// so a listing of many threads still answers; its state's own routes say why (CORRUPT_CHECKPOINT)
	const now = await readNow(ctx, t, info).catch((error: unknown) => {
		if (isUnreadableData(error)) return undefined;
		throw error;
	});
	if (now === undefined)
		return { status: busy ? "busy" : "error", snap: undefined };
	const { head, snap } = now;
	if (busy) return { status: "busy", snap };
	if (
		head === undefined &&
		(info?.status === "failed" || failedLast(ctx, t, info))
	)
		return { status: "error", snap };
	const paused =
		snap !== undefined && (snap.next.length > 0 || snap.interrupts.length > 0);
	// a cancelled (or stale) run's thread stays idle, though its next node is due, as before
	const derived = info?.status === "interrupted" || info?.status === "done";
	return {
		status: paused && (derived || head !== undefined) ? "interrupted" : "idle",
		snap,
	};
}

/**
 * The statuses `threadNow` may answer for the thread, told from its run records and its stored status
 * alone (no state read): `busy` for a run in flight; `error` for a failed last run (a damaged state reads
 * `error` too); a thread that is not rolled back and whose stored status is no pause (`interrupted`,
 * `done`) is never `interrupted`. A search filtering on status reads the state of only the threads whose
 * answer this leaves open (decision 0254).
 */
export function possibleStatuses(
	ctx: ServerContext,
	t: ThreadRecord,
	info: ThreadInfo | undefined,
): readonly ThreadStatus[] {
	if (
		ctx.runs.activeRun(t.threadId) !== undefined ||
		info?.status === "running"
	)
		return ["busy"];
	if ((t.rolledBack ?? []).length > 0) return ["idle", "interrupted", "error"];
	if (info?.status === "failed" || failedLast(ctx, t, info)) return ["error"];
	return info?.status === "interrupted" || info?.status === "done"
		? ["idle", "interrupted", "error"]
		: ["idle", "error"];
}

/** The checkpoint the thread reads as now (see `headOf`) and its state there, when there is one to read. */
async function readNow(
	ctx: ServerContext,
	t: ThreadRecord,
	info: ThreadInfo | undefined,
): Promise<{
	head: string | null | undefined;
	snap: StateSnapshot | undefined;
}> {
	const head = await headOf(ctx, t);
	const graph = graphOfThread(ctx, t);
	const snap =
		graph === undefined || info?.checkpointId == null || head === null
			? undefined
			: await graph.getState({ threadId: t.threadId, checkpointId: head });
	return { head, snap };
}

/**
 * The codes of a run that another runner came before: the thread was busy with it, or its answer had been
 * given already (decision 0125). The run changed nothing; the thread reads as that runner left it.
 */
const CAME_SECOND = new Set(["THREAD_BUSY", "NO_PENDING_INTERRUPT"]);

/**
 * The thread's newest run failed before it wrote anything (its input refused, its graph unable to start),
 * which leaves no trace in the store: the thread reads `error` until a later change of its state. Not a
 * run that another runner came before (`CAME_SECOND`): the thread is as that one left it.
 */
function failedLast(
	ctx: ServerContext,
	t: ThreadRecord,
	info: ThreadInfo | undefined,
): boolean {
	const last = ctx.registry.runsOf(t.threadId)[0];
	return (
		last?.status === "error" &&
		!CAME_SECOND.has(last.error?.error ?? "") &&
		!answerRefused(last) &&
		(info === undefined || last.updatedAt >= info.updatedAt)
	);
}

/**
 * A resume whose answer its schema refused: the run wrote nothing and the question still waits, so the
 * thread reads `interrupted` as before (API.md: "the thread stays interrupted with nothing lost"). A
 * step that fails after an accepted answer leaves the thread `failed` in the store, read above.
 */
function answerRefused(run: RunRecord): boolean {
	const command = run.kwargs?.command;
	return (
		run.error?.error === "VALIDATION_FAILED" &&
		typeof command === "object" &&
		command !== null &&
		"resume" in command
	);
}
