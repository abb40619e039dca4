// A run the server admitted finds its thread's lease held when its worker starts it: a lease about to lapse
// (its release cut off with its connection, the sweep's fence whose release was, or a worker cut off from
// the database that renewed its lease after its run was taken back; the soak met the last two). The run
// waits for the lease instead of ending in error THREAD_BUSY (decision 0165).
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	openPostgresRecords,
	type ServerRecords,
	serve,
	startWorker,
	type WeftWorker,
} from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { slow } from "./fixtures/graphs.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let checkpointer: PostgresCheckpointer;
let apiRecords: ServerRecords;
let workerRecords: PostgresRecords;
let server: Awaited<ReturnType<typeof serve>>;
let worker: WeftWorker | undefined;
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("srv_lease_at_start");
	checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
	apiRecords = await openPostgresRecords(db.url);
	workerRecords = (await openPostgresRecords(db.url)) as PostgresRecords;
	server = await serve({
		graphs: { slow },
		checkpointer,
		records: apiRecords,
		queue: true,
		port: 0,
	});
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
}, 30_000);

afterAll(async () => {
	if (!available) return;
	await worker?.close();
	await server?.close();
	await apiRecords?.close();
	await workerRecords?.close();
	await checkpointer?.close();
	await db?.drop();
}, 30_000);

describe.skipIf(!available)(
	"a run whose thread's lease is held when it starts",
	() => {
		it("waits for the lease to lapse, then runs", async () => {
			const thread = await client.threads.create();
			// admitted while the thread was free; no worker has taken it yet
			const run = await client.runs.create(thread.thread_id, "slow", {
				input: { ms: 1 },
			});
			// then a lease is left on the thread that lapses in 1.5 s
			await checkpointer.acquireLease(thread.thread_id, {
				owner: "cut-off-runner",
				ttlMs: 1500,
			});
			worker = await startWorker({
				graphs: { slow },
				checkpointer,
				records: workerRecords,
			});
			expect(
				await client.runs.join(thread.thread_id, run.run_id),
			).toMatchObject({ done: true });
			expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"success",
			);
		}, 30_000);
	},
);
