import type { ServerContext } from "./context.ts";
import type { ThreadRecord } from "./thread-registry.ts";
import { updatedAtOf } from "./thread-search.ts";

/**
 * Deletes a thread as `DELETE /threads/:id` does: its run in flight cancelled, its checkpoints, its record
 * and its runs' records. Resolves once the deletions are written, so every process sees the thread gone
 * (another API process may create its id again at once); STORE_UNAVAILABLE when they could not be.
 */
export async function deleteThread(
	ctx: ServerContext,
	t: ThreadRecord,
): Promise<void> {
	const active = ctx.runs.activeRun(t.threadId);
	if (active !== undefined) await ctx.runs.cancel(active, true);
	await ctx.checkpointer.deleteThread(t.threadId);
	ctx.registry.threads.delete(t.threadId);
	for (const r of ctx.registry.runsOf(t.threadId))
		ctx.registry.runs.delete(r.runId);
	await ctx.registry.written(t.threadId);
}

const MINUTE_MS = 60_000;

/**
 * How long a streamed stateless run's thread (`POST /runs/stream`, `dropWhenDone`) is kept after its run
 * ended, with its run's record and events: a client whose stream dropped near the end joins it again
 * (`Location`, `runs.joinStream`) and gets the events it missed (decision 0254). The sweep deletes it then.
 */
export const STATELESS_REJOIN_MS = 5 * MINUTE_MS;

/**
 * How long after its last update a stateless run's thread (`dropWhenDone`) with no run in flight is left
 * before a sweep deletes it: the API process that made it deletes a waited or background run's thread when
 * its run ends (and may still be reading its values for the answer), unless it stopped first; a streamed
 * run's thread is left to the sweep, and marked updated at its run's end, for `STATELESS_REJOIN_MS`.
 */
export const STATELESS_GRACE_MS = STATELESS_REJOIN_MS;

/**
 * Deletes the threads whose ttl has passed since their last update (their record's or their newest
 * checkpoint's, as `updated_at` reports it), and stateless runs' threads left by a process that stopped
 * before their run ended (`STATELESS_GRACE_MS` after their last update). A thread with a run pending or
 * running is left for a later sweep: its run updates it. Returns how many were deleted.
 */
export async function sweepExpiredThreads(
	ctx: ServerContext,
	now = Date.now(),
): Promise<number> {
	let deleted = 0;
	for (const t of [...ctx.registry.threads.values()]) {
		const ttl =
			t.dropWhenDone === true
				? STATELESS_GRACE_MS
				: t.ttlMinutes === undefined
					? undefined
					: t.ttlMinutes * MINUTE_MS;
		if (ttl === undefined) continue;
		// a checkpoint only makes the last update later: no store read while the record is recent
		if (Date.parse(t.updatedAt) + ttl > now) continue;
		if (ctx.runs.activeRun(t.threadId) !== undefined) continue;
		const info = await ctx.checkpointer.getThread(t.threadId);
		if (Date.parse(updatedAtOf(t, info)) + ttl > now) continue;
		// deleted meanwhile (a request, or another API process's sweep)
		if (ctx.registry.threads.get(t.threadId) === undefined) continue;
		await deleteThread(ctx, t);
		deleted++;
	}
	return deleted;
}

/**
 * Deletes every stateless run's thread (`dropWhenDone`) when a server that executes its runs in process
 * starts, before it takes requests: it holds the database alone, no run is in flight yet, so each one is
 * left by an earlier process stopped during its run (whose record `orphaned()` has just ended). One that
 * cannot be deleted now is reported to `onError` and left to the sweep.
 */
export async function dropLeftStatelessThreads(
	ctx: ServerContext,
	onError: (error: unknown) => void,
): Promise<void> {
	for (const t of [...ctx.registry.threads.values()])
		if (t.dropWhenDone === true && ctx.runs.activeRun(t.threadId) === undefined)
			await deleteThread(ctx, t).catch(onError);
}
