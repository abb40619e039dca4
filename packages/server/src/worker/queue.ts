import type { WorkerUtils } from "graphile-worker";
import type pg from "pg";
import { RECORDS_CHANNEL } from "../records/postgres-records.ts";
import type { RunCreateBody } from "../schemas.ts";
import type { RunRecord } from "../thread-registry.ts";

/** The graphile-worker task that executes a server run. */
export const RUN_JOB_TASK = "weft_run";

/** What a job carries: the run, and which attempt (an attempt after the first recovers the thread). */
export interface RunJob {
	runId: string;
	attempt: number;
}

/** Queues a later attempt of a run (its row and request are stored: `queueNewRun`). */
export async function enqueueRun(
	utils: WorkerUtils,
	runId: string,
	attempt: number,
): Promise<void> {
	const job: RunJob = { runId, attempt };
	await utils.addJob(RUN_JOB_TASK, job, {
		jobKey: `${runId}:${attempt}`,
		// a failed attempt is not retried by the queue: the lease sweep decides what goes on
		maxAttempts: 1,
	});
}

/** graphile-worker's schema (its own default, or the one its environment variable names). */
const WORKER_SCHEMA = `"${(process.env.GRAPHILE_WORKER_SCHEMA || "graphile_worker").replace(/"/g, '""')}"`;

/**
 * Records a new run (pending), what it was asked, and its first job, in one statement (one commit): a
 * worker can take the job only once the run's row is there. Other processes are told of the row (on the
 * records channel, from `origin`) when it commits.
 */
export async function queueNewRun(
	pool: pg.Pool,
	run: RunRecord,
	body: RunCreateBody,
	origin: string,
): Promise<void> {
	const job: RunJob = { runId: run.runId, attempt: 1 };
	await pool.query(
		`WITH run AS (INSERT INTO weft_server.runs (run_id, thread_id, status, body, request) VALUES ($1, $2, $3, $4, $5))
		SELECT ${WORKER_SCHEMA}.add_job(identifier => $6::text, payload => $7::json, max_attempts => 1, job_key => $8::text),
			pg_notify($9, $10)`,
		[
			run.runId,
			run.threadId,
			run.status,
			JSON.stringify(run),
			JSON.stringify(body),
			RUN_JOB_TASK,
			JSON.stringify(job),
			`${run.runId}:1`,
			RECORDS_CHANNEL,
			`run:${run.runId}|${origin}`,
		],
	);
}
