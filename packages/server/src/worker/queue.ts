import { plainJsonProblem, WeftError } from "@weft/checkpoint";
import type pg from "pg";
import {
	CANCEL_CHANNEL,
	RECORDS_CHANNEL,
} from "../records/postgres-records.ts";
import type { RunCreateBody } from "../schemas.ts";
import type { RunRecord } from "../thread-registry.ts";

/** The graphile-worker task that executes a server run. */
export const RUN_JOB_TASK = "weft_run";

/** What a job carries: the run, and which attempt (an attempt after the first recovers the thread). */
export interface RunJob {
	runId: string;
	attempt: number;
}

/**
 * How often the queue runs a run's job. A job throws only when the database failed it before the run was
 * claimed (or while its status was written): the queue tries it again with its backoff (≈ 3 s, 7 s, 20 s, …),
 * and a try that finds the run claimed already does nothing. A run that fails ends its job normally; one
 * whose worker died is taken up by the lease sweep.
 */
export const RUN_JOB_MAX_ATTEMPTS = 10;

/** graphile-worker's schema (its own default, or the one its environment variable names). */
const QUEUE_SCHEMA = process.env.GRAPHILE_WORKER_SCHEMA || "graphile_worker";
const WORKER_SCHEMA = `"${QUEUE_SCHEMA.replace(/"/g, '""')}"`;

/**
 * graphile-worker's own `add_job` for attempt `attempt` of a run, as an SQL expression whose parameters
 * start at `$first`, with them: inside a statement or transaction of the caller, the job commits with its
 * other writes (the run's move, its announcement). `jobKey`: the queue keeps one job per key (by default
 * one per attempt); `runAt`: not before then.
 */
export function addJobCall(
	runId: string,
	attempt: number,
	first: number,
	o: { jobKey?: string; runAt?: Date } = {},
): { sql: string; params: unknown[] } {
	const job: RunJob = { runId, attempt };
	return {
		sql: `${WORKER_SCHEMA}.add_job(identifier => $${first}::text, payload => $${first + 1}::json,
			max_attempts => $${first + 2}::int, job_key => $${first + 3}::text,
			run_at => coalesce($${first + 4}::timestamptz, now()))`,
		params: [
			RUN_JOB_TASK,
			JSON.stringify(job),
			RUN_JOB_MAX_ATTEMPTS,
			o.jobKey ?? `${runId}:${attempt}`,
			o.runAt?.toISOString() ?? null,
		],
	};
}

/**
 * Queues a later attempt of a run (its row and request are stored: `queueNewRun`) on `client`, not before
 * `startAt` (its `created_at`: a run asked with `after_seconds` starts no earlier, decision 0216).
 */
export async function queueAttempt(
	client: pg.ClientBase | pg.Pool,
	runId: string,
	attempt: number,
	jobKey?: string,
	startAt?: string,
): Promise<void> {
	const call = addJobCall(runId, attempt, 1, {
		...(jobKey === undefined ? {} : { jobKey }),
		...(startAt === undefined ? {} : { runAt: new Date(startAt) }),
	});
	await client.query(`SELECT ${call.sql}`, call.params);
}

/**
 * Queues the oldest run enqueued behind one that just ended on this thread (none: nothing), not before
 * its time (a run asked with `after_seconds` is ordered by and starts at its `created_at`).
 */
export async function queueNextOfThread(
	client: pg.ClientBase | pg.Pool,
	threadId: string,
): Promise<void> {
	const { rows } = await client.query(
		`SELECT run_id, attempt, body->>'createdAt' AS start_at FROM weft_server.runs
		WHERE thread_id = $1 AND status = 'pending' ORDER BY body->>'createdAt' LIMIT 1`,
		[threadId],
	);
	const next = rows[0] as
		| { run_id: string; attempt: number; start_at: string }
		| undefined;
	if (next !== undefined)
		await queueAttempt(
			client,
			next.run_id,
			next.attempt + 1,
			`${next.run_id}:next:${Date.now()}`,
			next.start_at,
		);
}

/**
 * Queues the next attempt of every pending run that nothing will start otherwise (decision 0164): the
 * oldest pending run of its thread, none of whose runs is running or moved in the last `afterMs`, and
 * with no job of its own that will run: none waiting to be taken (a job that failed only counts when it
 * is tried again within `afterMs`) and none taken within `afterMs` (a worker that took one and died
 * before its claim leaves it locked for hours). Such a run lost its start: its job went with a worker
 * killed between taking it and claiming the run, or the run ahead of it ended and its worker (or the API
 * cancelling it) lost its connection before queueing it. A job queued twice is harmless: only a later
 * attempt than the run's last claims it (`claimRun`). Returns how many were queued.
 */
export async function queueOrphanedRuns(
	client: pg.ClientBase | pg.Pool,
	afterMs: number,
): Promise<number> {
	const { rows } = await client.query(
		`WITH quiet AS (SELECT make_interval(secs => $1::float / 1000) AS t)
		SELECT r.run_id, r.attempt + 1 AS next, r.body->>'createdAt' AS start_at
		FROM weft_server.runs r, quiet
		WHERE r.status = 'pending'
		AND NOT EXISTS (SELECT 1 FROM weft_server.runs o WHERE o.thread_id = r.thread_id AND (
			o.status = 'running'
			OR (o.status = 'pending' AND o.body->>'createdAt' < r.body->>'createdAt')
			OR (o.body->>'updatedAt')::timestamptz > now() - quiet.t))
		AND NOT EXISTS (SELECT 1 FROM ${WORKER_SCHEMA}.jobs j WHERE j.key LIKE r.run_id || ':%' AND (
			(j.locked_at IS NULL AND j.attempts < j.max_attempts
				AND (j.attempts = 0 OR j.run_at < now() + quiet.t))
			OR j.locked_at > now() - quiet.t))`,
		[afterMs],
	);
	for (const r of rows as { run_id: string; next: number; start_at: string }[])
		await queueAttempt(client, r.run_id, r.next, undefined, r.start_at);
	return rows.length;
}

/**
 * How a new run is admitted beside the thread's others: `enqueue` behind them; `reject` only when none is
 * pending or running; `stop` (`interrupt`, `rollback`) stopping every one still pending or running.
 */
export type AdmitMode = "enqueue" | "reject" | "stop";

/** The admission of a run asked with `multitask_strategy` (default `reject`). */
export const admitModeOf = (
	strategy: RunCreateBody["multitask_strategy"],
): AdmitMode =>
	strategy === "enqueue"
		? "enqueue"
		: strategy === "interrupt" || strategy === "rollback"
			? "stop"
			: "reject";

/**
 * Records a new run (pending), what it was asked, and its first job, in one commit and one round trip
 * (`weft_server.admit_run`): a worker can take the job only once the run's row is there. Other processes
 * are told of the row (on the records channel, from `origin`) when it commits. Every mode but `enqueue`
 * is decided under the thread's advisory lock, so that of several API processes recording a run on one
 * thread at once: with `reject`, exactly one does (undefined for the others: refused); with `stop`, each
 * one does and stops the runs of the thread pending or running when it commits (the ones admitted a
 * moment before it included), which it returns as they are now (decision 0215).
 */
export async function queueNewRun(
	pool: pg.Pool,
	run: RunRecord,
	body: RunCreateBody,
	origin: string,
	mode: AdmitMode,
): Promise<RunRecord[] | undefined> {
	// jsonb refuses a NUL or a lone surrogate: told here, naming where, before anything is recorded
	const problem = plainJsonProblem(body, "request");
	if (problem !== undefined)
		throw new WeftError(
			"SERIALIZATION_FAILED",
			`the run cannot be queued: its ${problem}, which Postgres (jsonb) cannot keep`,
			{
				hint: "send text without NUL characters or lone surrogates (encode binary data, e.g. as base64)",
			},
		);
	const job: RunJob = { runId: run.runId, attempt: 1 };
	const { rows } = await pool.query(
		"SELECT weft_server.admit_run($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) AS stopped",
		[
			run.runId,
			run.threadId,
			run.status,
			JSON.stringify(run),
			JSON.stringify(body),
			mode,
			QUEUE_SCHEMA,
			RUN_JOB_TASK,
			JSON.stringify(job),
			`${run.runId}:1`,
			RUN_JOB_MAX_ATTEMPTS,
			RECORDS_CHANNEL,
			`run:${run.runId}|${origin}`,
			CANCEL_CHANNEL,
			// a run asked with after_seconds: its job waits for its time (null: now)
			run.createdAt > run.updatedAt ? run.createdAt : null,
		],
	);
	return (rows[0] as { stopped: RunRecord[] | null }).stopped ?? undefined;
}
