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
			await locks.release("taken");
			expect(await free("mine")).toBe(false);
		} finally {
			locks.close();
			await other.end();
			await records.close();
		}
	}, 30_000);
});
