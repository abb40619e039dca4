import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type WeftWorker } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { type QueueServer, queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
let api: QueueServer;
let worker: WeftWorker;
let url: string;
/** While set, the worker's next claim tells `committed` once it has committed and is answered on `released`. */
let gate: { committed: () => void; released: Promise<void> } | undefined;
/** While set, the worker's next claim fails before reaching the database (a connection lost at that moment). */
let failNextClaim = false;

beforeAll(async () => {
	if (!available) return;
	api = await queueServer("srv_cancel_claim", { slow });
	const { checkpointer, workerRecords } = api;
	// the worker hears of the claim's commit late (a busy event loop): a cancel may come in between
	const pool = workerRecords.pool;
	const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
	(pool as { query: unknown }).query = async (...args: unknown[]) => {
		if (failNextClaim && String(args[0]).startsWith("WITH claimed AS")) {
			failNextClaim = false;
			throw new Error("Connection terminated unexpectedly");
		}
		const result = await query(...args);
		const g = gate;
		if (g !== undefined && String(args[0]).startsWith("WITH claimed AS")) {
			gate = undefined;
			g.committed();
			await g.released;
		}
		return result;
	};
	worker = await startWorker({
		graphs: { slow },
		checkpointer,
		records: workerRecords,
	});
	url = api.url;
}, 30_000);

afterAll(async () => {
	if (!available) return;
	await worker?.close();
	await api?.close();
}, 30_000);

describe.skipIf(!available)("a worker claiming a run", () => {
	it("stops the run, though the cancel's notification reached the worker before its claim's answer", async () => {
		const client = new Client({
			apiUrl: url,
			callerOptions: { maxRetries: 0 },
		});
		let release!: () => void;
		const released = new Promise<void>((r) => {
			release = r;
		});
		const committed = new Promise<void>((r) => {
			gate = { committed: r, released };
		});
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 60_000 },
		});
		await committed;
		// the run is `running` in the database; this process's worker does not know it yet
		const cancelled = client.runs.cancel(thread.thread_id, run.run_id, true);
		// the cancel's notification is delivered to the worker before the claim's answer
		await new Promise((r) => setTimeout(r, 500));
		release();
		await cancelled;
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
	}, 30_000);
	it("is tried again when its claim failed (the run was left pending for ever)", async () => {
		const client = new Client({
			apiUrl: url,
			callerOptions: { maxRetries: 0 },
		});
		failNextClaim = true;
		const thread = await client.threads.create();
		expect(
			await client.runs.wait(thread.thread_id, "slow", { input: { ms: 1 } }),
		).toMatchObject({ done: true });
		expect(failNextClaim).toBe(false);
	}, 30_000);
});
