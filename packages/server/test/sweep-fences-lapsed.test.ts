// A worker alive but cut off from Postgres (its connections terminated) misses its lease's renewals and
// loses its run lock's session: the sweep finds the lease lapsed and the lock free, as after a death, and
// takes the run back. When the worker reconnects, its heartbeat must not renew that lapsed lease: the next
// attempt would find the thread held and fail THREAD_BUSY (the soak met it). The sweep moves the lease's
// token on before it takes the run back.
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { makeWorkerUtils } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresRecords } from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { RunLocks } from "../src/worker/run-locks.ts";
import { takeBack } from "../src/worker/sweep.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let records: PostgresRecords;
let checkpointer: PostgresCheckpointer;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("srv_sweep_fence");
	records = (await openPostgresRecords(db.url)) as PostgresRecords;
	const utils = await makeWorkerUtils({ pgPool: records.pool });
	await utils.migrate();
	await utils.release();
	checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
}, 30_000);
afterAll(async () => {
	await checkpointer?.close();
	await records?.close();
	await db?.drop();
});

describe.skipIf(!available)(
	"the sweep taking back a run whose lease lapsed",
	() => {
		it("leaves the cut-off runner no lease to renew: the next attempt takes the thread", async () => {
			const runId = "r-cut-off";
			const threadId = "t-cut-off";
			// the attempt took the thread's lease, then its connections were cut: no renewal for longer than its TTL
			const lease = await checkpointer.acquireLease(threadId, {
				owner: "cut-off-runner",
				ttlMs: 200,
			});
			const now = new Date().toISOString();
			await records.pool.query(
				`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body, request)
			VALUES ($1, $2, 'running', 1, now() - interval '1 hour', $3, $4)`,
				[
					runId,
					threadId,
					JSON.stringify({
						runId,
						threadId,
						assistantId: "g",
						graphId: "g",
						status: "running",
						createdAt: now,
						updatedAt: now,
						metadata: {},
					}),
					JSON.stringify({ assistant_id: "g" }),
				],
			);
			await new Promise((r) => setTimeout(r, 400));
			const locks = await RunLocks.open(records.pool);
			try {
				expect(
					await takeBack(
						records.pool,
						locks,
						checkpointer,
						{ run_id: runId, thread_id: threadId, attempt: 1, lost: 0 },
						5,
					),
				).toBe(true);
			} finally {
				locks.close();
			}
			// the runner reconnects and its heartbeat tries to renew: refused
			await expect(
				checkpointer.renewLease(lease, 30_000),
			).rejects.toMatchObject({
				code: "LEASE_LOST",
			});
			// the next attempt takes the thread
			const next = await checkpointer.acquireLease(threadId, {
				owner: "next-attempt",
				ttlMs: 30_000,
			});
			expect(next.token).toBeGreaterThan(lease.token);
		});
	},
);
