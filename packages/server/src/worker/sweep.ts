import { hostname } from "node:os";
import { type Checkpointer, isWeftError, type Lease } from "@weft/checkpoint";
import type { WorkerUtils } from "graphile-worker";
import type pg from "pg";
import { notify } from "../records/postgres-records.ts";
import { statusesFrom } from "../run-lifecycle.ts";
import { leaseLapsed } from "../thread-lease.ts";
import { enqueueRun } from "./queue.ts";
import { RunLocks } from "./run-locks.ts";

/**
 * Puts back to pending, and queues again, the runs marked running whose worker is gone (`runnerGone`):
 * claimed longer than `sweepMs` ago, not executing in this process, their thread's lease lapsed. That
 * attempt recovers the thread from its last checkpoint (decisions 0029, 0107).
 */
export async function sweepLapsedRuns(
	pool: pg.Pool,
	runLocks: RunLocks,
	checkpointer: Checkpointer,
	utils: WorkerUtils,
	o: { sweepMs: number; live: ReadonlyMap<string, unknown> },
): Promise<void> {
	const { rows } = await pool.query(
		`SELECT run_id, thread_id, attempt FROM weft_server.runs
		WHERE status = ANY($2::text[]) AND claimed_at < now() - make_interval(secs => $1::float / 1000)`,
		[o.sweepMs, statusesFrom("LEASE_EXPIRED")],
	);
	for (const r of rows as {
		run_id: string;
		thread_id: string;
		attempt: number;
	}[]) {
		if (o.live.has(r.run_id)) continue;
		// the lease lapsed, and no live worker holds the run's lock, or a stalled one does (0029, 0107)
		if (!(await runnerGone(pool, runLocks, checkpointer, r))) continue;
		const moved = await pool.query(
			`UPDATE weft_server.runs SET status = 'pending',
				body = body || jsonb_build_object('status', 'pending', 'updatedAt', $3::text)
			WHERE run_id = $1 AND attempt = $2 AND status = ANY($4::text[])`,
			[
				r.run_id,
				r.attempt,
				new Date().toISOString(),
				statusesFrom("LEASE_EXPIRED"),
			],
		);
		if (moved.rowCount !== 1) continue;
		await notify(pool, `run:${r.run_id}`);
		await enqueueRun(utils, r.run_id, r.attempt + 1);
	}
}

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
	if (!leaseLapsed(lease)) return false;
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
