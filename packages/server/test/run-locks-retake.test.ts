// A worker's run-lock session replaced (decision 0107 terminates a paused worker's session, then re-queues
// its run): the locks taken again on the new session are those of the runs still this worker's, never
// one the sweep took back meanwhile. Taking that one again made the next attempt's worker find the lock
// held ("a second job of this run"), drop its job, and the run stayed pending for ever.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import { RunLocks } from "../src/worker/run-locks.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (available) db = await freshDatabase("srvbench_runlocks");
});
afterAll(async () => {
	await db?.drop();
});

describe.skipIf(!available)("a replaced run-lock session", () => {
	it("takes again the locks of its runs, not of one taken back from it meanwhile", async () => {
		const records = await PostgresRecords.connect(db.url);
		const other = new pg.Client({ connectionString: db.url });
		await other.connect();
		const row = (runId: string, status: string, attempt: number) =>
			other.query(
				`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body)
				VALUES ($1, $1, $2, $3, now(), '{}')`,
				[runId, status, attempt],
			);
		/** Whether another worker could take the run's lock now (taken and given back at once). */
		const free = async (runId: string) => {
			const { rows } = await other.query(
				"SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free",
				[RunLocks.key(runId)],
			);
			return rows[0].free === true;
		};
		const locks = await RunLocks.open(records.pool);
		try {
			// attempt 1 of each: "mine" and "taken" claimed (running), "early" held before its claim
			await row("mine", "running", 1);
			await row("taken", "running", 1);
			await row("early", "pending", 0);
			for (const runId of ["mine", "taken", "early"])
				expect(await locks.hold(runId, 1)).toBe(true);
			// the sweep takes "taken" back from this (paused) worker: it ends the session holding its lock,
			// then puts the run back to pending and queues attempt 2
			await other.query(
				`SELECT pg_terminate_backend(pid, 5000) FROM pg_locks
				WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
					AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
				[RunLocks.key("taken")],
			);
			await other.query(
				"UPDATE weft_server.runs SET status = 'pending' WHERE run_id = 'taken'",
			);
			// the worker wakes and takes another job: its session is replaced
			await row("new", "pending", 0);
			expect(await locks.hold("new", 1)).toBe(true);
			// the runs still its own are locked again; the one taken back is free for attempt 2
			expect(await free("mine")).toBe(false);
			expect(await free("early")).toBe(false);
			expect(await free("new")).toBe(false);
			expect(await free("taken")).toBe(true);
			// its stale attempt ending lets go of nothing it does not hold
			await locks.release("taken", 1);
			expect(await free("mine")).toBe(false);
		} finally {
			locks.close();
			await other.end();
			await records.close();
		}
	}, 30_000);

	it("a stale attempt ending lets go of nothing of a later attempt of its run taken here", async () => {
		const records = await PostgresRecords.connect(db.url);
		const other = new pg.Client({ connectionString: db.url });
		await other.connect();
		const locks = await RunLocks.open(records.pool);
		try {
			await other.query(
				`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body)
				VALUES ('again', 'again', 'running', 1, now(), '{}')`,
			);
			expect(await locks.hold("again", 1)).toBe(true);
			// taken back from this (paused) worker: its session ended, the run pending for attempt 2
			await endSessionOf(other, "again");
			await other.query(
				"UPDATE weft_server.runs SET status = 'pending' WHERE run_id = 'again'",
			);
			// woken, this worker takes attempt 2's job itself (a new session), then its attempt 1 ends
			expect(await locks.hold("again", 2)).toBe(true);
			await locks.release("again", 1);
			expect(await free(other, "again")).toBe(false);
			await locks.release("again", 2);
			expect(await free(other, "again")).toBe(true);
		} finally {
			locks.close();
			await other.end();
			await records.close();
		}
	}, 30_000);

	it("check() replaces a lost session at once and tells the worker which runs were taken back", async () => {
		const records = await PostgresRecords.connect(db.url);
		const other = new pg.Client({ connectionString: db.url });
		await other.connect();
		const told: Array<[string, number]> = [];
		const locks = await RunLocks.open(records.pool, (runId, attempt) =>
			told.push([runId, attempt]),
		);
		try {
			await other.query(
				`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body)
				VALUES ('kept', 'kept', 'running', 1, now(), '{}'), ('gone', 'gone', 'running', 1, now(), '{}')`,
			);
			expect(await locks.hold("kept", 1)).toBe(true);
			expect(await locks.hold("gone", 1)).toBe(true);
			// the worker is cut off: its lock session ends; meanwhile "gone" is taken back from it
			await endSessionOf(other, "kept");
			await other.query(
				"UPDATE weft_server.runs SET status = 'pending' WHERE run_id = 'gone'",
			);
			// nothing else happens on the worker (one long run): its check replaces the session
			await locks.check();
			expect(told).toEqual([["gone", 1]]);
			expect(await free(other, "kept")).toBe(false);
			expect(await free(other, "gone")).toBe(true);
			// a session that is fine is left as it is: nothing more to tell
			await locks.check();
			expect(told).toHaveLength(1);
		} finally {
			locks.close();
			await other.end();
			await records.close();
		}
	}, 30_000);

	it("takes no lock again of a run whose move back to pending is being committed", async () => {
		const records = await PostgresRecords.connect(db.url);
		const other = new pg.Client({ connectionString: db.url });
		const sweep = new pg.Client({ connectionString: db.url });
		await Promise.all([other.connect(), sweep.connect()]);
		const locks = await RunLocks.open(records.pool);
		try {
			await other.query(
				`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body)
				VALUES ('inflight', 'inflight', 'running', 1, now(), '{}'), ('next', 'next', 'pending', 0, NULL, '{}')`,
			);
			expect(await locks.hold("inflight", 1)).toBe(true);
			// the sweep's transaction: the run back to pending (not committed yet), the paused session ended
			await sweep.query("BEGIN");
			await sweep.query(
				"UPDATE weft_server.runs SET status = 'pending' WHERE run_id = 'inflight'",
			);
			await endSessionOf(other, "inflight");
			// the worker wakes and takes another job: its new session takes its runs' locks again, meanwhile
			let settled = false;
			const holding = locks.hold("next", 1).finally(() => {
				settled = true;
			});
			// it waits for the sweep's transaction (or, wrongly, is done before it)
			while (!settled) {
				const { rows } = await other.query(
					`SELECT count(*)::int AS n FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock'`,
				);
				if (rows[0].n > 0) break;
				await new Promise((r) => setTimeout(r, 20));
			}
			await sweep.query("COMMIT");
			expect(await holding).toBe(true);
			// the run is its next attempt's: its lock is free for it
			expect(await free(other, "inflight")).toBe(true);
			expect(await free(other, "next")).toBe(false);
		} finally {
			locks.close();
			await Promise.all([other.end(), sweep.end()]);
			await records.close();
		}
	}, 30_000);
});

/** Ends the session holding the run's lock, as the sweep does with a paused worker's (decision 0107). */
async function endSessionOf(client: pg.Client, runId: string): Promise<void> {
	await client.query(
		`SELECT pg_terminate_backend(pid, 5000) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
			AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
		[RunLocks.key(runId)],
	);
}

/** Whether another worker could take the run's lock now (taken and given back at once). */
async function free(client: pg.Client, runId: string): Promise<boolean> {
	const { rows } = await client.query(
		"SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free",
		[RunLocks.key(runId)],
	);
	return rows[0].free === true;
}
