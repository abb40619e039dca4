// A pending run nobody will start: its job was taken by a worker that died before its claim (the queue
// keeps such a job locked for hours), or the run behind one that ended was never queued because the
// worker's (or the API's) connection was cut between the end and the queueing. The sweep starts it.
import type { Client } from "@langchain/langgraph-sdk";
import type { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type WeftWorker } from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { slow } from "./fixtures/graphs.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { type QueueServer, queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
let api: QueueServer;
let checkpointer: PostgresCheckpointer;
let workerRecords: PostgresRecords;
let client: Client;
let worker: WeftWorker | undefined;
let admin: pg.Pool;
/** While set, the worker's next "which run is next on the thread" read fails (its connection cut). */
let failNextQueueNext = false;

const startOne = () =>
	startWorker({
		graphs: { slow },
		checkpointer,
		records: workerRecords,
		sweepMs: 200,
	});

beforeAll(async () => {
	if (!available) return;
	api = await queueServer("srv_orphan_pending", { slow });
	({ checkpointer, workerRecords, client } = api);
	const pool = workerRecords.pool;
	const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
	(pool as { query: unknown }).query = async (...args: unknown[]) => {
		if (
			failNextQueueNext &&
			// queueNextOfThread's read (it also reads the run's start time: decision 0216)
			String(args[0]).startsWith("SELECT run_id, attempt, body->>'createdAt'")
		) {
			failNextQueueNext = false;
			throw new Error("Connection terminated unexpectedly");
		}
		return query(...args);
	};
	admin = new pg.Pool({ connectionString: api.databaseUrl, max: 1 });
}, 30_000);

afterAll(async () => {
	if (!available) return;
	await worker?.close();
	await admin?.end();
	await api?.close();
}, 30_000);

describe.skipIf(!available)("a pending run whose start was lost", () => {
	it("is started when the worker that took its job died before claiming it", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
		});
		// a worker took the job (the queue locks it) and was SIGKILLed before its claim: no worker is up yet
		const { rowCount } = await admin.query(
			`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '1 minute', locked_by = 'dead'
			WHERE key = $1`,
			[`${run.run_id}:1`],
		);
		expect(rowCount).toBe(1);
		worker = await startOne();
		expect(await client.runs.join(thread.thread_id, run.run_id)).toMatchObject({
			done: true,
		});
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"success",
		);
	}, 60_000);

	it("starts the run enqueued behind one whose worker lost its connection before queueing it", async () => {
		worker ??= await startOne();
		const thread = await client.threads.create();
		const first = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 300 },
		});
		const second = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
			multitaskStrategy: "enqueue",
		});
		failNextQueueNext = true;
		await client.runs.join(thread.thread_id, first.run_id);
		expect(
			await client.runs.join(thread.thread_id, second.run_id),
		).toMatchObject({ done: true });
		expect(failNextQueueNext).toBe(false);
	}, 60_000);

	it("starts the run enqueued behind one claimed as cancelled, at once (not at the sweep's quiet time)", async () => {
		// only a worker that does not sweep: the run behind must be started by the claim itself
		await worker?.close();
		worker = undefined;
		const thread = await client.threads.create();
		const first = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 60_000 },
		});
		const second = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
			multitaskStrategy: "enqueue",
		});
		// the first was taken back from a worker while a cancel of it was asked (it stays pending, the cancel
		// flagged); the second's job already ran, and gave up while the first was ahead of it
		await admin.query(
			"UPDATE weft_server.runs SET cancel_requested = true WHERE run_id = $1",
			[first.run_id],
		);
		await admin.query("SELECT graphile_worker.remove_job($1)", [
			`${second.run_id}:1`,
		]);
		worker = await startWorker({
			graphs: { slow },
			checkpointer,
			records: workerRecords,
			sweepMs: 600_000,
		});
		expect(
			await client.runs.join(thread.thread_id, second.run_id),
		).toMatchObject({ done: true });
		expect((await client.runs.get(thread.thread_id, first.run_id)).status).toBe(
			"cancelled",
		);
	}, 60_000);
});
