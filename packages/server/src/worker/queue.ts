import type { WorkerUtils } from "graphile-worker";
import type pg from "pg";
import type { RunCreateBody } from "../schemas.ts";

/** The graphile-worker task that executes a server run. */
export const RUN_JOB_TASK = "weft_run";

/** What a job carries: the run, and which attempt (an attempt after the first recovers the thread). */
export interface RunJob {
	runId: string;
	attempt: number;
}

/** Saves what the run was asked (once) and queues its attempt. */
export async function enqueueRun(
	pool: pg.Pool,
	utils: WorkerUtils,
	runId: string,
	body: RunCreateBody | undefined,
	attempt = 1,
): Promise<void> {
	if (body !== undefined)
		await pool.query(
			"UPDATE weft_server.runs SET request = $2 WHERE run_id = $1",
			[runId, JSON.stringify(body)],
		);
	const job: RunJob = { runId, attempt };
	await utils.addJob(RUN_JOB_TASK, job, {
		jobKey: `${runId}:${attempt}`,
		// a failed attempt is not retried by the queue: the lease sweep decides what goes on
		maxAttempts: 1,
	});
}
