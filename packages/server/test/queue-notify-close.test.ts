// A record change announced while the API closes must not surface as an unhandled rejection: the
// refresh it starts may meet a pool that is ending (seen in CI as an error after all tests passed).
import { MemoryCheckpointer } from "@weft/checkpoint";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresRecords, serve } from "../src/index.ts";
import { RECORDS_CHANNEL } from "../src/records/postgres-records.ts";
import { slow } from "./fixtures/graphs.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();

describe.skipIf(!available)(
	"the queued API closing under notifications",
	() => {
		let db: Awaited<ReturnType<typeof freshDatabase>>;
		beforeAll(async () => {
			db = await freshDatabase("notify_close");
		});
		afterAll(async () => {
			await db?.drop();
		});

		/** `weft serve`'s API on the test database: records in Postgres, runs queued. */
		async function queuedApi() {
			const records = await openPostgresRecords(db.url);
			const server = await serve({
				graphs: { slow },
				checkpointer: new MemoryCheckpointer(),
				records,
				queue: true,
				port: 0,
				studio: false,
			});
			return { records, server };
		}

		it("refreshes a changed record on a pool that is ending without an unhandled rejection", async () => {
			const { records, server } = await queuedApi();
			const unhandled: unknown[] = [];
			const onUnhandled = (reason: unknown) => unhandled.push(reason);
			process.on("unhandledRejection", onUnhandled);
			// the pool ends once its clients are released: the API's listening connection still is not
			const ending = records.close();
			const other = new pg.Client({ connectionString: db.url });
			await other.connect();
			try {
				await other.query(`SELECT pg_notify($1, $2)`, [
					RECORDS_CHANNEL,
					"run:00000000-0000-0000-0000-000000000000|elsewhere",
				]);
				await other.query(`SELECT pg_notify($1, $2)`, [
					RECORDS_CHANNEL,
					"thread:00000000-0000-0000-0000-000000000000|elsewhere",
				]);
				await new Promise((r) => setTimeout(r, 500));
				await server.close();
				await ending;
				await new Promise((r) => setTimeout(r, 50));
			} finally {
				process.off("unhandledRejection", onUnhandled);
				await other.end();
			}
			expect(unhandled).toEqual([]);
		}, 30_000);

		it("survives its connections being killed: the records' idle clients and the listener are replaced", async () => {
			const { records, server } = await queuedApi();
			const other = new pg.Client({ connectionString: db.url });
			await other.connect();
			try {
				const url = `http://127.0.0.1:${server.port}`;
				expect(
					(await fetch(`${url}/threads`, { method: "POST", body: "{}" }))
						.status,
				).toBe(200);
				await other.query(
					`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`,
				);
				await new Promise((r) => setTimeout(r, 1000));
				// the pool's dead clients were dropped, not fatal: the next request gets a fresh connection
				let status = 0;
				for (let i = 0; i < 5 && status !== 200; i++) {
					status = (
						await fetch(`${url}/threads`, { method: "POST", body: "{}" })
					).status;
					if (status !== 200) await new Promise((r) => setTimeout(r, 300));
				}
				expect(status).toBe(200);
				// a thread answered 200 is in the records every process reads
				const created = (await (
					await fetch(`${url}/threads`, { method: "POST", body: "{}" })
				).json()) as { thread_id: string };
				const seen = await openPostgresRecords(db.url);
				try {
					expect(
						(await seen.loadThreads()).some(
							(t) => t.threadId === created.thread_id,
						),
					).toBe(true);
				} finally {
					await seen.close();
				}
			} finally {
				await other.end();
				await server.close();
				await records.close();
			}
		}, 30_000);
	},
);
