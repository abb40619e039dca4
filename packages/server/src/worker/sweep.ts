import { hostname } from "node:os";
import {
	type Checkpointer,
	isWeftError,
	type Lease,
	threadLeaseOf,
} from "@weft/checkpoint";
import { BEGIN_BOUNDED } from "@weft/checkpoint-postgres";
import type pg from "pg";
import { failureLog } from "../failure-log.ts";
import {
	EVENTS_CHANNEL,
	RECORDS_CHANNEL,
} from "../records/postgres-records.ts";
import {
	isFinalRunStatus,
	RUN_STATUSES,
	statusesFrom,
} from "../run-lifecycle.ts";
import { sweepEvery } from "../sweep-every.ts";
import { leaseLapsed } from "../thread-lease.ts";
import { sweepExpiredEvents } from "./pg-events.ts";
import { queueAttempt, queueNextOfThread, queueOrphanedRuns } from "./queue.ts";
import { RunLocks } from "./run-locks.ts";
import { bodyWithStatus } from "./run-moves.ts";

/** A run the sweep considers: running as `attempt` since long enough, having lost `lost` workers before. */
interface SweptRun {
	run_id: string;
	thread_id: string;
	attempt: number;
	lost: number;
}

/**
 * A worker's periodic jobs, now and every `sweepMs` until the returned function is called (which waits for
 * the one in progress): a lost run-lock session replaced (a run taken back from here meanwhile stops at
 * once), the runs of lost workers taken back, pending runs nothing will start queued, expired events
 * deleted. An outage's first failure is logged in full, then counted, as weft serve's (decision 0242).
 */
export function sweepWorkerEvery(
	pool: pg.Pool,
	runLocks: RunLocks,
	checkpointer: Checkpointer,
	o: {
		sweepMs: number;
		live: ReadonlyMap<string, { readonly attempt: number }>;
		maxAttempts: number;
		/** How long a run's events are kept after it ends. */
		eventsTtlMs: number;
	},
): () => Promise<void> {
	// a pending run that nothing else will start is queued after this long without a move on its thread
	const orphanedAfterMs = Math.max(3 * o.sweepMs, 3000);
	const finals = RUN_STATUSES.filter(isFinalRunStatus);
	const sweepAll = async () => {
		const lockLost = await runLocks.check().then(
			() => undefined,
			(error: unknown) => ({ error }),
		);
		await sweepLapsedRuns(pool, runLocks, checkpointer, o);
		await queueOrphanedRuns(pool, orphanedAfterMs);
		await sweepExpiredEvents(pool, o.eventsTtlMs, finals);
		if (lockLost !== undefined) throw lockLost.error;
	};
	return sweepEvery(
		sweepAll,
		failureLog(
			"cannot sweep the runs of lost workers and expired events (tried again at each sweep)",
			{ source: "weft worker" },
		),
		o.sweepMs,
	);
}

/**
 * Puts back to pending, and queues again, the runs marked running whose worker is gone or stalled:
 * claimed longer than `sweepMs` ago, not executing as that attempt in this process, their thread's lease
 * lapsed (`takeBack`). That attempt recovers the thread from its last checkpoint (decisions 0029, 0107).
 */
export async function sweepLapsedRuns(
	pool: pg.Pool,
	runLocks: RunLocks,
	checkpointer: Checkpointer,
	o: {
		sweepMs: number;
		live: ReadonlyMap<string, { readonly attempt: number }>;
		/** The run's `maxAttempts`-th lost worker ends it `error` instead (see `WorkerOptions`). */
		maxAttempts: number;
	},
): Promise<void> {
	const { rows } = await pool.query(
		`SELECT run_id, thread_id, attempt, lost FROM weft_server.runs
		WHERE status = ANY($2::text[]) AND claimed_at < now() - make_interval(secs => $1::float / 1000)`,
		[o.sweepMs, statusesFrom("LEASE_EXPIRED")],
	);
	for (const r of rows as SweptRun[]) {
		if (o.live.get(r.run_id)?.attempt === r.attempt) continue;
		await takeBack(pool, runLocks, checkpointer, r, o.maxAttempts);
	}
}

/**
 * Takes a run back from its worker and queues its next attempt, when that worker is gone or stalled: the
 * thread's lease has lapsed (or is not held), and no session holds the run's lock, or one does and the
 * thread has a lease, which its worker stopped renewing: a stalled worker (a paused process keeps its
 * connections: SIGSTOP, a long GC pause, a frozen VM; decision 0107). False when the run is left as it is
 * (its worker is live, or another sweep took it first).
 *
 * For a stalled worker, the thread's lease is first taken and given up at once (`fence`: its fencing token
 * moves on, so the stalled runner commits nothing from then on, even before the next attempt takes the
 * lease; a `THREAD_BUSY` means it woke and renewed its lease, and the run is left to it). Then one
 * transaction (decision 0128): the run goes back to `pending` (its row stays locked until the commit);
 * for a stalled worker the session holding the run's lock is ended; the run's lock must then be free (it
 * is held by this transaction until its commit), and the next attempt's job is queued: the move, the job
 * and its announcement commit together. A stalled worker woken meanwhile finds its status write and its
 * event batches waiting for the run's row, then the run no longer its attempt's; its lock session,
 * replaced, waits for the row too and takes no lock of the run (`RunLocks`); one it replaced before the
 * move holds the lock, and is ended with the old one. The fence is not taken inside the transaction: a
 * worker paused inside a commit keeps the thread's row locked until Postgres ends its idle session (5 s,
 * decision 0137), and the fence waits for it; the run's row is not held meanwhile (a cancel of the run is
 * not held up with it).
 */
export async function takeBack(
	pool: pg.Pool,
	runLocks: RunLocks,
	checkpointer: Checkpointer,
	run: SweptRun,
	maxAttempts: number,
): Promise<boolean> {
	const lease =
		(await threadLeaseOf(checkpointer, run.thread_id))?.lease ?? null;
	if (!leaseLapsed(lease)) return false;
	const held = await runLocks.held(pool, run.run_id);
	// no lease to go by: a live worker between its claim and the lease, or between giving the lease up
	// and writing the run's status (decision 0029)
	if (held && lease === null) return false;
	if (held && !(await fence(checkpointer, run.thread_id))) return false;
	const client = await pool.connect();
	let broken: Error | undefined;
	try {
		await client.query(BEGIN_BOUNDED);
		// its last lost worker: the run fails (FAIL) instead of going back to pending
		const failed = run.lost + 1 >= maxAttempts ? lostTooOften(run) : null;
		const moved = await client.query(
			`UPDATE weft_server.runs SET lost = lost + 1,
				status = CASE WHEN $7::jsonb IS NULL THEN 'pending' ELSE 'error' END,
				output = coalesce($7::jsonb, output),
				body = ${bodyWithStatus("CASE WHEN $7::jsonb IS NULL THEN 'pending' ELSE 'error' END", "$3")}
					|| CASE WHEN $7::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('error', $7::jsonb->'__error__') END
			WHERE run_id = $1 AND attempt = $2 AND lost = $8 AND status = ANY($4::text[])
			RETURNING pg_notify($5, $6)`,
			[
				run.run_id,
				run.attempt,
				new Date().toISOString(),
				failed === null ? statusesFrom("LEASE_EXPIRED") : statusesFrom("FAIL"),
				RECORDS_CHANNEL,
				`run:${run.run_id}`,
				failed === null ? null : JSON.stringify(failed),
				run.lost,
			],
		);
		const taken =
			moved.rowCount === 1 &&
			(!held || (await endLockSession(client, run.run_id))) &&
			(await lockFree(client, run.run_id));
		if (!taken) {
			await client.query("ROLLBACK");
			return false;
		}
		if (failed === null)
			await queueAttempt(client, run.run_id, run.attempt + 1);
		else await endFailed(client, run, failed);
		await client.query("COMMIT");
		return true;
	} catch (error) {
		await client.query("ROLLBACK").catch((lost: Error) => {
			broken = lost;
		});
		throw error;
	} finally {
		// a connection that could not even roll back is not given back to the pool
		client.release(broken);
	}
}

/**
 * Moves the thread's fencing token on: its lease taken and given up at once. False when the stalled
 * runner renewed its lease meanwhile (it woke up: the run is its own again).
 */
async function fence(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<boolean> {
	let taken: Lease;
	try {
		taken = await checkpointer.acquireLease(threadId, {
			owner: `weft-sweep:${hostname()}:${process.pid}`,
			ttlMs: 10_000,
		});
	} catch (error) {
		if (isWeftError(error, "THREAD_BUSY")) return false;
		throw error;
	}
	await checkpointer.releaseLease(taken, undefined);
	return true;
}

/**
 * Within `takeBack`'s transaction: ends the sessions holding the run's lock, waiting (up to 5 s) until
 * they are gone, and with them the lock; false when none was ended.
 */
async function endLockSession(
	client: pg.ClientBase,
	runId: string,
): Promise<boolean> {
	const { rows } = await client.query(
		`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS ended FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND pid <> pg_backend_pid()
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
		[RunLocks.key(runId)],
	);
	return (rows[0] as { ended: number }).ended > 0;
}

/**
 * Within `takeBack`'s transaction: whether no session holds the run's lock; if so, this transaction holds
 * it until its commit, so that nobody takes it before the run is pending for its next attempt.
 */
async function lockFree(
	client: pg.ClientBase,
	runId: string,
): Promise<boolean> {
	const { rows } = await client.query(
		"SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free",
		[RunLocks.key(runId)],
	);
	return (rows[0] as { free: boolean }).free === true;
}

/** The output of a run ended because its workers kept being lost: the error its stream and join report. */
function lostTooOften(run: SweptRun): {
	__error__: { error: string; message: string };
} {
	return {
		__error__: {
			error: "NODE_FAILED",
			message: `run ${run.run_id}: its worker was lost ${run.lost + 1} times while running it (killed, crashed, or its database away); it is not tried again (its thread goes on from its last checkpoint with a new run)`,
		},
	};
}

/**
 * Within `takeBack`'s transaction, for a run it failed: the `error` event ends its stream (after its
 * stored events), and the oldest run queued behind it on its thread is started, as a worker does when
 * a run ends.
 */
async function endFailed(
	client: pg.ClientBase,
	run: SweptRun,
	failed: { __error__: unknown },
): Promise<void> {
	await client.query(
		`INSERT INTO weft_server.run_events (run_id, seq, event, data, ord)
		SELECT $1, greatest(coalesce((SELECT max(seq) FROM weft_server.run_events WHERE run_id = $1), 0),
			(SELECT events_from - 1 FROM weft_server.runs WHERE run_id = $1)) + 1, 'error', $2::jsonb, NULL
		RETURNING pg_notify($3, $1)`,
		[run.run_id, JSON.stringify(failed.__error__), EVENTS_CHANNEL],
	);
	await queueNextOfThread(client, run.thread_id);
}
