// Cancels of queued runs (weft serve + workers), from an outside check (6 Dec):
// - a worker hears cancels on a LISTEN connection; a cancel sent in the half second that connection took to
//   come back after a drop (pg_terminate_backend, a failover) was answered 202 but never heard, and the run
//   went on to `success`: the worker now reads the cancel flags of its runs again once it listens again;
// - a run cancelled before it ran joined as {}: it answers the thread's values, as one cancelled running.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type WeftWorker } from "../src/index.ts";
import { CANCEL_CHANNEL } from "../src/records/postgres-records.ts";
import { slow } from "./fixtures/graphs.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { type QueueServer, queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
let api: QueueServer;
let worker: WeftWorker | undefined;

beforeAll(async () => {
	if (available) api = await queueServer("srv_cancels", { slow });
}, 30_000);

afterAll(async () => {
	await worker?.close();
	await api?.close();
}, 30_000);

describe.skipIf(!available)("cancels of runs on workers", () => {
	it("a cancel sent while the worker's listening connection is down stops the run once it listens again", async () => {
		const { client, checkpointer, workerRecords } = api;
		worker = await startWorker({
			graphs: { slow },
			checkpointer,
			records: workerRecords,
		});
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 30_000 },
		});
		for (let i = 0; i < 400; i++) {
			if (
				(await client.runs.get(thread.thread_id, run.run_id)).status ===
				"running"
			)
				break;
			await new Promise((r) => setTimeout(r, 25));
		}
		const admin = new pg.Client({ connectionString: api.databaseUrl });
		await admin.connect();
		try {
			// the worker's listening session ends; it listens again half a second later
			const { rowCount } = await admin.query(
				`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
					WHERE datname = current_database() AND query = $1`,
				[`LISTEN ${CANCEL_CHANNEL}`],
			);
			expect(rowCount).toBeGreaterThan(0);
			await client.runs.cancel(thread.thread_id, run.run_id);
		} finally {
			await admin.end();
		}
		await client.runs.join(thread.thread_id, run.run_id);
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
	}, 60_000);

	it("a run cancelled before it ran joins as the thread's values", async () => {
		const { client } = api;
		const thread = await client.threads.create();
		const active = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 30_000 },
		});
		// the active run has written its input (a thread without a checkpoint has no values to answer)
		for (let i = 0; i < 400; i++) {
			const state = await client.threads.getState(thread.thread_id);
			if ((state.values as { ms?: number }).ms === 30_000) break;
			await new Promise((r) => setTimeout(r, 25));
		}
		const queued = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
			multitaskStrategy: "enqueue",
		});
		await client.runs.cancel(thread.thread_id, queued.run_id, true);
		await client.runs.cancel(thread.thread_id, active.run_id, true);
		expect(
			await client.runs.join(thread.thread_id, queued.run_id),
		).toMatchObject({
			ms: 30_000,
			done: false,
		});
	}, 60_000);
});
