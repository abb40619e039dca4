// A run the server admitted finds its thread's lease held when its worker starts it: a lease about to lapse
// (its release cut off with its connection, the sweep's fence whose release was, or a worker cut off from
// the database that renewed its lease after its run was taken back; the soak met the last two). The run
// waits for the lease instead of ending in error THREAD_BUSY (decision 0165).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type WeftWorker } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { type QueueServer, queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
let api: QueueServer;
let worker: WeftWorker | undefined;

beforeAll(async () => {
	if (available) api = await queueServer("srv_lease_at_start", { slow });
}, 30_000);

afterAll(async () => {
	await worker?.close();
	await api?.close();
}, 30_000);

describe.skipIf(!available)(
	"a run whose thread's lease is held when it starts",
	() => {
		it("waits for the lease to lapse, then runs", async () => {
			const { client, checkpointer, workerRecords } = api;
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
