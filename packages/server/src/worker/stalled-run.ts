import { hostname } from "node:os";
import { type Checkpointer, isWeftError, type Lease } from "@weft/checkpoint";
import type pg from "pg";
import { RunLocks } from "./run-locks.ts";

/**
 * Whether the run's worker is gone, so that the sweep may queue the run again: the thread's lease has
 * lapsed (or is not held), and no session holds the run's lock, or the one that does belongs to a worker
 * that is stalled, from which the run is then taken (`takeFromStalled`).
 */
export async function runnerGone(
	pool: pg.Pool,
	runLocks: RunLocks,
	checkpointer: Checkpointer,
	run: { run_id: string; thread_id: string },
): Promise<boolean> {
	const lease = (await checkpointer.getThread(run.thread_id))?.lease ?? null;
	if (lease !== null && Date.parse(lease.expiresAt) > Date.now()) return false;
	if (!(await runLocks.held(pool, run.run_id))) return true;
	return takeFromStalled(pool, checkpointer, run.thread_id, run.run_id, lease);
}

/**
 * Takes a run back from a worker that is stalled (decision 0107): its session still holds the run's lock
 * (a paused process keeps its connections: SIGSTOP, a long GC pause, a frozen VM), but the lease its run
 * took on the thread has lapsed. First the lease is taken and given up at once, which moves the thread's
 * fencing token on: from then on the stalled runner can commit nothing, even before the run's next
 * attempt takes the lease. Then the session holding the run's lock is terminated, so the next attempt can
 * take the lock. False (nothing done) when the thread has no lease to go by (the worker is between its
 * claim and the lease, or between giving the lease up and writing the run's status) or the stalled runner
 * renewed its lease meanwhile (it woke up: the run is its own again).
 */
export async function takeFromStalled(
	pool: pg.Pool,
	checkpointer: Checkpointer,
	threadId: string,
	runId: string,
	lease: Lease | null,
): Promise<boolean> {
	if (lease === null) return false;
	let fence: Lease;
	try {
		fence = await checkpointer.acquireLease(threadId, {
			owner: `weft-sweep:${hostname()}:${process.pid}`,
			ttlMs: 10_000,
		});
	} catch (error) {
		if (isWeftError(error, "THREAD_BUSY")) return false;
		throw error;
	}
	await checkpointer.releaseLease(fence, undefined);
	// waits (up to 5 s) until the session is gone, and with it the lock
	const { rows } = await pool.query(
		`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS ended FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND pid <> pg_backend_pid()
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
		[RunLocks.key(runId)],
	);
	return (rows[0] as { ended: number }).ended > 0;
}
