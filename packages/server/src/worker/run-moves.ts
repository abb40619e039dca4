import type pg from "pg";
import {
	EVENTS_CHANNEL,
	RECORDS_CHANNEL,
} from "../records/postgres-records.ts";
import { type RunLifecycleStatus, statusesFrom } from "../run-lifecycle.ts";
import type { RunCreateBody } from "../schemas.ts";
import type { RunRecord } from "../thread-registry.ts";
import { toWire } from "../wire-values.ts";
import {
	type EventRow,
	insertEventsSql,
	STORED_EVENTS_SQL,
	type StoredEvents,
} from "./pg-events.ts";
import { addJobCall, type RunJob } from "./queue.ts";

// The statements by which a worker's attempt moves its run: the claim (pending → running), the final
// status, and the hand-over (running → pending with the next attempt queued). Each is one statement with
// its announcement, which goes out when it commits; each moves the run only as the attempt's own.

/**
 * The SQL that sets a run record's `status` (an SQL expression) and `updatedAt` (a parameter) in its
 * `body`, as every move writes them.
 */
export const bodyWithStatus = (status: string, updatedAt: string) =>
	`body || jsonb_build_object('status', ${status}, 'updatedAt', ${updatedAt}::text)`;

/** What a claim read of the run: its record, request, how many workers it lost, where its events stop. */
export type ClaimedRun = {
	body: RunRecord;
	request: RunCreateBody | null;
	lost: number;
	status: string | null;
} & StoredEvents;

/**
 * Claims the run for `job`'s attempt (pending → running, or → cancelled when a cancel was asked): one
 * statement with its announcement and where the run's stored events stop (read at the claim's snapshot:
 * no other worker writes them while this one holds the run's lock). Undefined or a status other than
 * `running` when the run could not be claimed. Only by a later attempt than the run's last (decision
 * 0127): a second job of an attempt already made (a duplicate, or one left from before a sweep) does not
 * run the run again under a number another process has. Not while an older run of its thread is pending
 * or one is running.
 */
export async function claimRun(
	pool: pg.Pool,
	job: RunJob,
): Promise<ClaimedRun | undefined> {
	const { rows } = await pool.query(
		`WITH claimed AS (UPDATE weft_server.runs SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'running' END,
			attempt = $2, claimed_at = now(),
			body = ${bodyWithStatus("CASE WHEN cancel_requested THEN 'cancelled' ELSE 'running' END", "$3")}
		WHERE run_id = $1 AND status = ANY($4::text[]) AND attempt < $2 AND NOT EXISTS (
			SELECT 1 FROM weft_server.runs other WHERE other.thread_id = runs.thread_id
			AND other.run_id <> runs.run_id AND (other.status = 'running'
				OR (other.status = 'pending' AND other.body->>'createdAt' < runs.body->>'createdAt')))
		RETURNING body, request, status, lost)
		SELECT c.body, c.request, c.status, c.lost, ${STORED_EVENTS_SQL("$1")}
		FROM (SELECT pg_notify($5, $6)) announced LEFT JOIN claimed c ON true`,
		[
			job.runId,
			job.attempt,
			new Date().toISOString(),
			statusesFrom("START"),
			RECORDS_CHANNEL,
			`run:${job.runId}`,
		],
	);
	return rows[0] as ClaimedRun | undefined;
}

/**
 * Moves the run to `status` while it is `running` as this attempt, and only then (decision 0127): a run
 * the sweep took back from this attempt waits `pending` for the next one, which decides how it ends,
 * and one claimed again is that attempt's; false when the run was not this attempt's any more. Why a
 * run failed (its output's `__error__`) goes into its record too, as `weft dev` keeps it (`RunRecord.error`).
 */
export async function finishRun(
	pool: pg.Pool,
	runId: string,
	attempt: number,
	status: RunLifecycleStatus,
	output?: unknown,
	/** The run's last events (`PgEventWriter.rest()`), written in the same statement, only if the status moved. */
	events: EventRow[] = [],
): Promise<boolean> {
	// the announcements are in the same statement: they go out when the status (and the events) commit
	// the events go in only with the status: only while the run is `running` as this attempt (0108, 0127)
	const ins = insertEventsSql(events, 9, "EXISTS (SELECT 1 FROM moved)");
	const { rows } = await pool.query(
		`WITH moved AS (UPDATE weft_server.runs SET status = $3, output = coalesce($4::jsonb, output),
			body = ${bodyWithStatus("$3::text", "$5")}
				|| CASE WHEN $4::jsonb ? '__error__' THEN jsonb_build_object('error', $4::jsonb->'__error__') ELSE '{}'::jsonb END
		WHERE run_id = $1 AND attempt = $2 AND status = 'running' RETURNING 1)${ins.cte}
		SELECT (SELECT count(*) FROM moved)::int AS moved, pg_notify($6, $7)${events.length > 0 ? ", pg_notify($8, $1)" : ""}`,
		[
			runId,
			attempt,
			status,
			// in wire form: JSON.stringify of a LangChain message is its `lc` constructor record
			output === undefined ? null : JSON.stringify(toWire(output)),
			new Date().toISOString(),
			RECORDS_CHANNEL,
			`run:${runId}`,
			...(events.length > 0 ? [EVENTS_CHANNEL, ...ins.params] : []),
		],
	);
	return (rows[0] as { moved: number }).moved === 1;
}

/**
 * Gives the run back (running → pending, RELEASE) while it is `running` as this attempt and no cancel was
 * asked, and queues its next attempt (not before `runAt`): the move, the job and the announcement in one
 * statement, so that nothing in between can leave it pending with no job. `lost`: the attempt lost its
 * store, counted toward the worker's `maxAttempts`. `handed`: done; `cancel`: a cancel was asked
 * meanwhile (the caller ends the run cancelled); `gone`: the run is no longer this attempt's.
 */
export async function giveBack(
	pool: pg.Pool,
	job: RunJob,
	lost: boolean,
	runAt: Date | undefined,
): Promise<"handed" | "cancel" | "gone"> {
	const next = addJobCall(
		job.runId,
		job.attempt + 1,
		8,
		runAt === undefined ? {} : { runAt },
	);
	const { rows } = await pool.query(
		`WITH moved AS (UPDATE weft_server.runs SET status = 'pending', lost = lost + $5::int,
				body = ${bodyWithStatus("'pending'", "$3")}
			WHERE run_id = $1 AND attempt = $2 AND status = ANY($4::text[]) AND NOT cancel_requested
			RETURNING 1),
		queued AS (SELECT ${next.sql}, pg_notify($6, $7) FROM moved)
		SELECT (SELECT count(*) FROM queued)::int AS moved, r.attempt, r.status, r.cancel_requested
		FROM weft_server.runs r WHERE r.run_id = $1`,
		[
			job.runId,
			job.attempt,
			new Date().toISOString(),
			statusesFrom("RELEASE"),
			lost ? 1 : 0,
			RECORDS_CHANNEL,
			`run:${job.runId}`,
			...next.params,
		],
	);
	const r = rows[0] as
		| {
				moved: number;
				attempt: number;
				status: string;
				cancel_requested: boolean;
		  }
		| undefined;
	if (r?.moved === 1) return "handed";
	return r !== undefined &&
		r.attempt === job.attempt &&
		r.status === "running" &&
		r.cancel_requested
		? "cancel"
		: "gone";
}
