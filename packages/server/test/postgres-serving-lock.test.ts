// An API process that executes runs itself (`weft dev --postgres`, `serve()` without `queue`) holds the
// database alone: at its start it ends the runs it finds pending or running (a previous process left them),
// and it keeps the records in memory. A second one, or one beside `weft serve` + workers, marked the
// others' runs in flight as failed and answered stale records. Such a start is refused now.

import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	openPostgresRecords,
	type ServerRecords,
	serve,
	startWorker,
} from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { slow } from "./fixtures/graphs.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const opened: ServerRecords[] = [];
const records = async () => {
	const r = await openPostgresRecords(db.url);
	opened.push(r);
	return r;
};
const checkpointer = new MemoryCheckpointer();
const graphs = { slow };

beforeAll(async () => {
	if (available) db = await freshDatabase("serving_lock");
});
afterAll(async () => {
	if (!available) return;
	for (const r of opened) await r.close().catch(() => {});
	await db?.drop();
}, 30_000);

const refused = (p: Promise<unknown>) =>
	p.then(
		() => "started",
		(e: { code?: string; hint?: string }) => `${e.code}: ${e.hint}`,
	);

describe.skipIf(!available)("one database, one way of serving it", () => {
	it("an in-process API holds it alone: a second one, a queued API or a worker is refused, and its runs go on", async () => {
		const dev = await serve({
			graphs,
			checkpointer,
			records: await records(),
			port: 0,
		});
		const client = new Client({ apiUrl: `http://127.0.0.1:${dev.port}` });
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 60_000 },
		});
		expect(
			await refused(
				serve({ graphs, checkpointer, records: await records(), port: 0 }),
			),
		).toMatch(/^STORE_UNAVAILABLE: .*weft serve/);
		expect(
			await refused(
				serve({
					graphs,
					checkpointer,
					records: await records(),
					queue: true,
					port: 0,
				}),
			),
		).toMatch(/^STORE_UNAVAILABLE/);
		expect(
			await refused(
				startWorker({
					graphs,
					checkpointer,
					records: (await records()) as PostgresRecords,
				}),
			),
		).toMatch(/^STORE_UNAVAILABLE/);
		// the refused starts ended none of its runs
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"running",
		);
		await client.runs.cancel(thread.thread_id, run.run_id, true);
		await dev.close();
	}, 60_000);

	it("the lock is taken again when its connection drops (a restarted database)", async () => {
		const dev = await serve({
			graphs,
			checkpointer,
			records: await records(),
			port: 0,
		});
		const admin = new pg.Client({ connectionString: db.url });
		admin.on("error", () => {});
		await admin.connect();
		try {
			const holder = async () =>
				(
					await admin.query(
						`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
						AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
					)
				).rows[0]?.pid as number | undefined;
			const before = await holder();
			expect(before).toBeDefined();
			await admin.query(
				`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`,
			);
			// held again by a new connection of the same process
			for (let i = 0; i < 400; i++) {
				const now = await holder();
				if (now !== undefined && now !== before) break;
				await new Promise((r) => setTimeout(r, 50));
			}
			expect(
				await refused(
					serve({ graphs, checkpointer, records: await records(), port: 0 }),
				),
			).toMatch(/^STORE_UNAVAILABLE/);
		} finally {
			await admin.end();
			await dev.close();
		}
	}, 60_000);

	it("queued APIs and workers share it; an in-process API is refused beside them", async () => {
		const api = await serve({
			graphs,
			checkpointer,
			records: await records(),
			queue: true,
			port: 0,
		});
		const second = await serve({
			graphs,
			checkpointer,
			records: await records(),
			queue: true,
			port: 0,
		});
		const worker = await startWorker({
			graphs,
			checkpointer,
			records: (await records()) as PostgresRecords,
		});
		expect(
			await refused(
				serve({ graphs, checkpointer, records: await records(), port: 0 }),
			),
		).toMatch(/^STORE_UNAVAILABLE/);
		await worker.close();
		await second.close();
		await api.close();
	}, 60_000);
});
