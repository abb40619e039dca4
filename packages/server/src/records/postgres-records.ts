import { randomUUID } from "node:crypto";
import type { WeftError } from "@weft/checkpoint";
import { isRetryable } from "@weft/checkpoint-postgres";
import pg from "pg";
import { RUN_STORED_MOVES } from "../run-lifecycle.ts";
import type { RunRecord, ThreadRecord } from "../thread-registry.ts";
import type { LockWaitOptions } from "./lock-wait.ts";
import {
	decodeRecord,
	decodeRecords,
	type ServerRecords,
} from "./server-records.ts";
import { ServingLock } from "./serving-lock.ts";

const MOVES_SQL = `ARRAY[${RUN_STORED_MOVES.map((m) => `'${m}'`).join(", ")}]`;

/** The server's own tables (schema `weft_server`), beside the checkpointer's and graphile-worker's. */
export const SERVER_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS weft_server;
CREATE TABLE IF NOT EXISTS weft_server.threads (
	thread_id TEXT PRIMARY KEY,
	body JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS weft_server.runs (
	run_id TEXT PRIMARY KEY,
	thread_id TEXT NOT NULL,
	status TEXT NOT NULL,
	cancel_requested BOOLEAN NOT NULL DEFAULT false,
	attempt INTEGER NOT NULL DEFAULT 0,
	claimed_at TIMESTAMPTZ,
	request JSONB,
	output JSONB,
	body JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_thread ON weft_server.runs (thread_id);
-- the runs the sweeps look at (taken back from a lost worker, or pending with nothing to start them)
CREATE INDEX IF NOT EXISTS runs_open ON weft_server.runs (status) WHERE status IN ('pending', 'running');
-- the first event id still stored (events before it were dropped by the cap or expired)
ALTER TABLE weft_server.runs ADD COLUMN IF NOT EXISTS events_from INTEGER NOT NULL DEFAULT 1;
-- how many of the run's attempts lost their worker (taken back by a sweep, or given back when the store
-- went away): at the worker's maxAttempts the run ends error instead of being tried again
ALTER TABLE weft_server.runs ADD COLUMN IF NOT EXISTS lost INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS weft_server.run_events (
	run_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	event TEXT NOT NULL,
	data JSONB,
	PRIMARY KEY (run_id, seq)
);
-- per run, how many \`updates\` and \`values\` events were sent up to this one: a recovered attempt re-sends
-- the ones its dead predecessor committed but never stored, and none it stored (NULL: by a worker
-- that predates the column)
ALTER TABLE weft_server.run_events ADD COLUMN IF NOT EXISTS ord INTEGER;
-- the run lifecycle (RUN_STORED_MOVES: the machine's moves and chains of them, a record being written
-- behind): no writer, ours or not, moves a run's status any other way
CREATE OR REPLACE FUNCTION weft_server.check_run_move() RETURNS trigger AS $$
BEGIN
	IF NEW.status IS DISTINCT FROM OLD.status
		AND NOT (OLD.status || ':' || NEW.status = ANY(${MOVES_SQL})) THEN
		RAISE EXCEPTION 'run % cannot move from % to %', OLD.run_id, OLD.status, NEW.status
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$ LANGUAGE plpgsql;
-- a new run (pending), what it was asked, its first job and its announcement, in one round trip. With
-- exclusive (every strategy but enqueue): only if no run of the thread is pending or running, checked
-- under the thread's advisory lock (transaction-scoped; the key the API's earlier code took, so that
-- processes of both versions exclude each other in a rolling deploy); the check is a statement of its
-- own after the lock, so it sees a run another process committed while this one waited (in READ
-- COMMITTED, each statement of a function takes a new snapshot). False when refused.
CREATE OR REPLACE FUNCTION weft_server.queue_run(run_id text, thread_id text, status text, body jsonb,
	request jsonb, exclusive boolean, queue_schema text, task text, job json, job_key text,
	max_attempts int, channel text, payload text) RETURNS boolean AS $$
BEGIN
	IF exclusive THEN
		PERFORM pg_advisory_xact_lock(hashtextextended('weft_thread_runs:' || queue_run.thread_id, 0));
		IF EXISTS (SELECT 1 FROM weft_server.runs r WHERE r.thread_id = queue_run.thread_id
			AND r.status IN ('pending', 'running')) THEN
			RETURN false;
		END IF;
	END IF;
	INSERT INTO weft_server.runs (run_id, thread_id, status, body, request)
		VALUES (queue_run.run_id, queue_run.thread_id, queue_run.status, queue_run.body, queue_run.request);
	EXECUTE format('SELECT %I.add_job(identifier => $1, payload => $2, max_attempts => $3, job_key => $4)',
		queue_schema) USING task, job, max_attempts, job_key;
	PERFORM pg_notify(channel, payload);
	RETURN true;
END $$ LANGUAGE plpgsql;
-- queue_run's successor (queue_run stays for processes of the earlier version in a rolling deploy): mode
-- 'enqueue' records the run behind the thread's others; 'reject' only if no run of the thread is pending
-- or running, as queue_run's exclusive; 'stop' (interrupt, rollback) stops every run of the thread still
-- pending (now cancelled) or running (its cancel asked, announced on cancel_channel): the runs another
-- request was admitted with a moment before, while this one waited for the runs it knew of to stop
-- (decision 0215). Under the thread's advisory lock, so that of several such requests the last one to
-- commit goes on and stops the others. Its job is taken not before run_at (NULL: now), the time a run
-- asked with after_seconds may start (decision 0216). Returns the records of the runs it stopped
-- (updated_at: the new run's), or NULL when refused.
CREATE OR REPLACE FUNCTION weft_server.admit_run(run_id text, thread_id text, status text, body jsonb,
	request jsonb, mode text, queue_schema text, task text, job json, job_key text,
	max_attempts int, channel text, payload text, cancel_channel text, run_at timestamptz) RETURNS jsonb AS $$
DECLARE
	stopped jsonb := '[]'::jsonb;
	o record;
BEGIN
	IF mode <> 'enqueue' THEN
		PERFORM pg_advisory_xact_lock(hashtextextended('weft_thread_runs:' || admit_run.thread_id, 0));
		IF mode = 'stop' THEN
			FOR o IN UPDATE weft_server.runs r SET cancel_requested = true,
				status = CASE WHEN r.status = 'pending' THEN 'cancelled' ELSE r.status END,
				body = CASE WHEN r.status = 'pending' THEN r.body || jsonb_build_object('status', 'cancelled',
					'updatedAt', admit_run.body->'updatedAt') ELSE r.body END
			WHERE r.thread_id = admit_run.thread_id AND r.status IN ('pending', 'running')
			RETURNING r.run_id AS id, r.status = 'running' AS running, r.body AS record LOOP
				stopped := stopped || jsonb_build_array(o.record);
				PERFORM pg_notify(channel, 'run:' || o.id);
				IF o.running THEN
					PERFORM pg_notify(cancel_channel, o.id);
				END IF;
			END LOOP;
		ELSIF EXISTS (SELECT 1 FROM weft_server.runs r WHERE r.thread_id = admit_run.thread_id
			AND r.status IN ('pending', 'running')) THEN
			RETURN NULL;
		END IF;
	END IF;
	INSERT INTO weft_server.runs (run_id, thread_id, status, body, request)
		VALUES (admit_run.run_id, admit_run.thread_id, admit_run.status, admit_run.body, admit_run.request);
	EXECUTE format('SELECT %I.add_job(identifier => $1, payload => $2, max_attempts => $3, job_key => $4,
		run_at => coalesce($5, now()))', queue_schema) USING task, job, max_attempts, job_key, admit_run.run_at;
	PERFORM pg_notify(channel, payload);
	RETURN stopped;
END $$ LANGUAGE plpgsql;
-- the version without run_at, for processes of the earlier version in a rolling deploy: the same, now
CREATE OR REPLACE FUNCTION weft_server.admit_run(run_id text, thread_id text, status text, body jsonb,
	request jsonb, mode text, queue_schema text, task text, job json, job_key text,
	max_attempts int, channel text, payload text, cancel_channel text) RETURNS jsonb AS $$
	SELECT weft_server.admit_run(run_id, thread_id, status, body, request, mode, queue_schema, task, job,
		job_key, max_attempts, channel, payload, cancel_channel, NULL::timestamptz)
$$ LANGUAGE sql;
DROP TRIGGER IF EXISTS runs_lifecycle ON weft_server.runs;
CREATE TRIGGER runs_lifecycle BEFORE UPDATE OF status ON weft_server.runs
	FOR EACH ROW EXECUTE FUNCTION weft_server.check_run_move();
`;

/**
 * Runs `SERVER_SCHEMA_SQL` (one transaction: it alters `runs`, then `run_events`, and replaces the trigger on
 * `runs`). Beside running processes, one of whose transactions holds `run_events` and then asks for
 * `runs`, Postgres may end it as a deadlock's victim (a worker started during a deploy exited 1 with
 * `deadlock detected`); it is idempotent and rolled back whole, so it runs again.
 */
async function setUpSchema(client: pg.PoolClient): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await client.query(SERVER_SCHEMA_SQL);
			return;
		} catch (error) {
			// a deadlock's victim (the store's own classification: rolled back, may run again)
			if (!isRetryable(error) || attempt >= 5) throw error;
			await new Promise((r) => setTimeout(r, 50 * attempt));
		}
	}
}

/** The SQL condition "a run in `from` may be set to `to`" (both SQL expressions): `RUN_STORED_MOVES`. */
export const runMoveSql = (from: string, to: string): string =>
	`(${from} = ${to} OR ${from} || ':' || ${to} = ANY(${MOVES_SQL}))`;

/** Thread and run records in Postgres. Any number of processes may share them. */
export class PostgresRecords implements ServerRecords {
	readonly pool: pg.Pool;
	/** Marks this process's own notifications (`kind:id|origin`), which its cache needs not reload. */
	readonly origin = randomUUID();
	readonly #owned: boolean;
	/** This process's hold on the database (`serving()`), on a connection of its own. */
	readonly #serving: ServingLock;

	private constructor(pool: pg.Pool, owned: boolean, wait: LockWaitOptions) {
		this.pool = pool;
		this.#owned = owned;
		this.#serving = new ServingLock(pool.options, wait);
	}

	/**
	 * Connects and creates the tables when missing. `wait`: how long `serving()` waits while another
	 * process serves the database the other way (default: not at all; `weft dev` waits 30 s).
	 */
	static async connect(
		target: string | pg.Pool,
		max = 5,
		wait: LockWaitOptions = {},
	): Promise<PostgresRecords> {
		const owned = typeof target === "string";
		const pool =
			typeof target === "string"
				? new pg.Pool({ connectionString: target, max })
				: target;
		if (owned) {
			// a connection that drops (a restarted database, a killed backend) must not end the process with
			// an unhandled 'error' event: the query on it rejects, and the pool replaces the client
			pool.on("error", () => {});
			pool.on("connect", (client) => client.on("error", () => {}));
		}
		// two processes starting together may race on CREATE: one lock makes it idempotent
		const client = await pool.connect();
		try {
			await client.query("SELECT pg_advisory_lock(hashtext('weft_server'))");
			await setUpSchema(client);
		} finally {
			await client
				.query("SELECT pg_advisory_unlock(hashtext('weft_server'))")
				.catch(() => {});
			client.release();
		}
		return new PostgresRecords(pool, owned, wait);
	}

	loadThreads = async (unreadable?: (error: WeftError, id: string) => void) =>
		decodeRecords<ThreadRecord>(
			(
				await this.pool.query(
					"SELECT thread_id AS id, body FROM weft_server.threads",
				)
			).rows,
			"thread",
			unreadable,
		);
	loadRuns = async (unreadable?: (error: WeftError, id: string) => void) =>
		decodeRecords<RunRecord>(
			(await this.pool.query("SELECT run_id AS id, body FROM weft_server.runs"))
				.rows,
			"run",
			unreadable,
		);
	getRun = (runId: string) =>
		this.#one<RunRecord>(
			"SELECT body FROM weft_server.runs WHERE run_id = $1",
			"run",
			runId,
		);
	/** A run's record with its stored output (a join's answer), in one round trip. */
	getRunWithOutput = async (
		runId: string,
	): Promise<{ run: RunRecord | undefined; output: unknown }> => {
		const { rows } = await this.pool.query(
			"SELECT body, output FROM weft_server.runs WHERE run_id = $1",
			[runId],
		);
		const row = rows[0] as { body: object; output: unknown } | undefined;
		return row === undefined
			? { run: undefined, output: undefined }
			: {
					run: decodeRecord<RunRecord>(row.body, "run", runId),
					output: row.output,
				};
	};
	// each write announces itself in its own statement: the notification goes out when the write commits,
	// and the write costs one round trip
	putThread = async (t: ThreadRecord) => {
		await this.pool.query(
			`WITH w AS (INSERT INTO weft_server.threads (thread_id, body) VALUES ($1, $2) ON CONFLICT (thread_id) DO UPDATE SET body = excluded.body)
			SELECT pg_notify($3, $4)`,
			[
				t.threadId,
				JSON.stringify(t),
				RECORDS_CHANNEL,
				`thread:${t.threadId}|${this.origin}`,
			],
		);
	};
	claimThread = async (t: ThreadRecord) => {
		const { rows } = await this.pool.query(
			`WITH w AS (INSERT INTO weft_server.threads (thread_id, body) VALUES ($1, $2) ON CONFLICT (thread_id) DO NOTHING RETURNING 1)
			SELECT count(*)::int AS claimed, pg_notify($3, $4) FROM w`,
			[
				t.threadId,
				JSON.stringify(t),
				RECORDS_CHANNEL,
				`thread:${t.threadId}|${this.origin}`,
			],
		);
		return (rows[0] as { claimed: number }).claimed === 1;
	};
	deleteThread = async (threadId: string) => {
		await this.pool.query(
			`WITH w AS (DELETE FROM weft_server.threads WHERE thread_id = $1) SELECT pg_notify($2, $3)`,
			[threadId, RECORDS_CHANNEL, `thread:${threadId}|${this.origin}`],
		);
	};
	putRun = async (r: RunRecord) => {
		await this.pool.query(
			`WITH w AS (INSERT INTO weft_server.runs AS runs (run_id, thread_id, status, body) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, body = excluded.body WHERE ${runMoveSql("runs.status", "excluded.status")})
			SELECT pg_notify($5, $6)`,
			[
				r.runId,
				r.threadId,
				r.status,
				JSON.stringify(r),
				RECORDS_CHANNEL,
				`run:${r.runId}|${this.origin}`,
			],
		);
	};
	deleteRun = async (runId: string) => {
		await this.pool.query(
			`WITH r AS (DELETE FROM weft_server.runs WHERE run_id = $1),
				e AS (DELETE FROM weft_server.run_events WHERE run_id = $1)
			SELECT pg_notify($2, $3)`,
			[runId, RECORDS_CHANNEL, `run:${runId}|${this.origin}`],
		);
	};
	getThread = (threadId: string) =>
		this.#one<ThreadRecord>(
			"SELECT body FROM weft_server.threads WHERE thread_id = $1",
			"thread",
			threadId,
		);

	/** The record `sql` selects by `id` (its `body`), or undefined. */
	async #one<T>(
		sql: string,
		kind: "thread" | "run",
		id: string,
	): Promise<T | undefined> {
		const { rows } = await this.pool.query(sql, [id]);
		const row = rows[0] as { body: object } | undefined;
		return row === undefined ? undefined : decodeRecord<T>(row.body, kind, id);
	}
	/**
	 * Takes the database for this process (decision 0106): `alone` for an API that executes runs itself
	 * (`weft dev --postgres`: it ends the runs it finds in flight when it starts, and its cache is the only
	 * copy), shared by `weft serve` and `weft worker` processes: `ServingLock`, held until the returned
	 * function (or `close()`) releases it, or the process dies; `lost` when it was lost and taken the other
	 * way meanwhile (decision 0110): this process must stop serving.
	 */
	serving = (alone: boolean, lost?: (error: WeftError) => void) =>
		this.#serving.take(alone, lost);

	close = async () => {
		await this.#serving.release();
		if (this.#owned) await this.pool.end();
	};
}

/** The channel on which every change of a record is announced (`thread:<id>` or `run:<id>`, then `|origin`). */
export const RECORDS_CHANNEL = "weft_server_records";
/** The channel on which a run's new events are announced (payload: run id). */
export const EVENTS_CHANNEL = "weft_server_events";
/** The channel on which a run's cancellation is asked (payload: run id). */
export const CANCEL_CHANNEL = "weft_server_cancel";

/** Announces a change on `channel` (default: the records channel). */
export async function notify(
	pool: pg.Pool,
	payload: string,
	channel = RECORDS_CHANNEL,
): Promise<void> {
	await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
}
