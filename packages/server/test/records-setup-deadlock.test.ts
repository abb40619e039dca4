// A process starting beside running ones (a worker added, a rolling deploy) creates the server's tables
// "if not exists" in one transaction that also alters `runs` and `run_events` and replaces the status
// trigger: it locks `runs`, then `run_events`. Beside a running transaction that holds `run_events` and then
// asks for `runs`, Postgres ends one of them: the server soak (chaos/test/server-soak.test.ts) saw a
// `weft worker`, started beside the API and two other workers, exit 1 with `UNEXPECTED deadlock detected`
// (which transaction of the others it met is not known; this one is made to). The setup is idempotent: a
// deadlock victim runs it again.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresRecords } from "../src/records/postgres-records.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("records_setup_deadlock");
	await (await PostgresRecords.connect(db.url)).close();
}, 30_000);

afterAll(async () => {
	if (available) await db?.drop();
}, 30_000);

describe.skipIf(!available)(
	"the server's tables set up beside a running worker",
	() => {
		it("a setup caught in a deadlock with a running transaction runs again and connects", async () => {
			// the running transaction: holds run_events, and (after the setup holds runs) asks for runs; it
			// waits long before looking for a deadlock, so the setup's session is the one Postgres ends
			const running = new pg.Client({ connectionString: db.url });
			await running.connect();
			const watch = new pg.Client({ connectionString: db.url });
			await watch.connect();
			try {
				await running.query("SET deadlock_timeout = '20s'");
				await running.query("BEGIN");
				await running.query(
					"LOCK TABLE weft_server.run_events IN ROW EXCLUSIVE MODE",
				);
				const starting = PostgresRecords.connect(db.url).then(
					(r) => r,
					(e: Error) => e,
				);
				// the setup holds runs and waits for run_events
				for (let i = 0; i < 200; i++) {
					const { rows } = await watch.query(
						"SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
					);
					if (rows[0].n > 0) break;
					await new Promise((r) => setTimeout(r, 25));
				}
				const second = running.query(
					"LOCK TABLE weft_server.runs IN ROW EXCLUSIVE MODE",
				);
				await second;
				await running.query("COMMIT");
				const outcome = await starting;
				expect(outcome).toBeInstanceOf(PostgresRecords);
				await (outcome as PostgresRecords).close();
			} finally {
				await running.end().catch(() => {});
				await watch.end().catch(() => {});
			}
		}, 60_000);
	},
);
