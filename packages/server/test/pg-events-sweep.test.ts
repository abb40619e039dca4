// A worker's event batch written while a sweep takes its run back (the move to pending in the sweep's
// transaction, not committed yet: decision 0128): the batch waits for the sweep's commit, then finds the
// run no longer its attempt's and writes nothing. Read at its own snapshot, it saw the run still running
// as its attempt and went in: a woken worker's LEASE_LOST error in the stream of a run it no longer had.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import { PgEventWriter } from "../src/worker/pg-events.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (available) db = await freshDatabase("weft_events_sweep");
});
afterAll(async () => {
	await db?.drop();
});

describe.skipIf(!available)(
	"a worker's events during a sweep's take-back",
	() => {
		it("wait for the sweep's commit and then go in only if the run is still the attempt's", async () => {
			const records = await PostgresRecords.connect(db.url);
			const sweep = new pg.Client({ connectionString: db.url });
			await sweep.connect();
			const stored = async () =>
				(
					await records.pool.query(
						"SELECT seq, event FROM weft_server.run_events WHERE run_id = 'r' ORDER BY seq",
					)
				).rows;
			try {
				await records.pool.query(
					`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body)
				VALUES ('r', 't', 'running', 1, now(), '{}')`,
				);
				const writer = await PgEventWriter.open(records.pool, "r", 1);
				writer.push("metadata", { run_id: "r", attempt: 1 });
				await writer.flush();
				expect(await stored()).toEqual([{ seq: 1, event: "metadata" }]);
				await sweep.query("BEGIN");
				await sweep.query(
					"UPDATE weft_server.runs SET status = 'pending' WHERE run_id = 'r'",
				);
				// the woken attempt's step refused: its error event
				writer.push("error", { error: "LEASE_LOST" });
				let settled = false;
				const flushed = writer.flush().finally(() => {
					settled = true;
				});
				while (!settled) {
					const { rows } = await records.pool.query(
						`SELECT count(*)::int AS n FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock'`,
					);
					if (rows[0].n > 0) break;
					await new Promise((r) => setTimeout(r, 20));
				}
				await sweep.query("COMMIT");
				await flushed;
				expect(await stored()).toEqual([{ seq: 1, event: "metadata" }]);
			} finally {
				await sweep.end();
				await records.close();
			}
		}, 30_000);
	},
);
