import { fileURLToPath } from "node:url";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunLocks } from "../src/worker/run-locks.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";

const workerGraphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (available) db = await freshDatabase("srvbench_sweep");
});
afterAll(async () => {
	await db?.drop();
});

/** A run row marked running long ago, on a thread whose lease nobody holds: what a dead worker leaves. */
async function staleRun(
	client: pg.Client,
	runId: string,
	graphId = "missing",
	input?: unknown,
): Promise<void> {
	const now = new Date().toISOString();
	const body = {
		runId,
		threadId: `t-${runId}`,
		assistantId: graphId,
		graphId,
		status: "running",
		createdAt: now,
		updatedAt: now,
		metadata: {},
	};
	await client.query(
		`INSERT INTO weft_server.runs (run_id, thread_id, status, attempt, claimed_at, body, request)
		VALUES ($1, $2, 'running', 1, now() - interval '1 hour', $3, $4)`,
		[
			runId,
			body.threadId,
			JSON.stringify(body),
			JSON.stringify({ assistant_id: graphId, input }),
		],
	);
}

describe.skipIf(!available)("the sweep of dead workers' runs", () => {
	it("takes back a running run only when no live worker holds its lock, lease or no lease", async () => {
		const worker = await startProcess(
			[
				"worker",
				"--postgres",
				db.url,
				"--graph",
				`steps=${workerGraphs}#steps`,
				"--sweep-ms",
				"100",
			],
			/weft worker: ready/,
		);
		const live = new pg.Client({ connectionString: db.url });
		await live.connect();
		const status = async (runId: string) =>
			(
				await live.query(
					"SELECT status, attempt FROM weft_server.runs WHERE run_id = $1",
					[runId],
				)
			).rows[0] as { status: string; attempt: number };
		try {
			// "held": another worker's session holds its lock, as a live worker does from claim to final status
			await live.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [
				RunLocks.key("held"),
			]);
			await staleRun(live, "held");
			await staleRun(live, "dead");
			// "dead" is taken back (queued again: its next attempt ends in error, it has no such graph)
			await waitFor(async () => (await status("dead")).attempt === 2);
			// the sweeps that took "dead" back saw "held" too, and left it to its worker
			expect(await status("held")).toEqual({ status: "running", attempt: 1 });
			// its worker dies: its session ends, the lock with it; now the sweep takes it back
			await live.query("SELECT pg_advisory_unlock_all()");
			await waitFor(async () => (await status("held")).attempt === 2);
		} finally {
			await live.end();
			await worker.stop();
		}
	}, 30_000);

	it("starts a run again from its input when its dead attempt took the lease but committed no checkpoint", async () => {
		const worker = await startProcess(
			[
				"worker",
				"--postgres",
				db.url,
				"--graph",
				`steps=${workerGraphs}#steps`,
				"--sweep-ms",
				"100",
			],
			/weft worker: ready/,
		);
		const live = new pg.Client({ connectionString: db.url });
		await live.connect();
		const checkpointer = await PostgresCheckpointer.connect({
			connectionString: db.url,
		});
		try {
			// the dead worker's lease (expired at once) on a thread with no checkpoint
			await checkpointer.acquireLease("t-early", {
				owner: "vm:1:dead",
				ttlMs: 1,
			});
			await staleRun(live, "early", "steps", { n: 2 });
			await waitFor(async () => {
				const r = await live.query(
					"SELECT status, attempt FROM weft_server.runs WHERE run_id = 'early'",
				);
				return r.rows[0].status === "success";
			});
			const info = await checkpointer.getThread("t-early");
			expect(info?.checkpointId).not.toBeNull();
		} finally {
			await checkpointer.close();
			await live.end();
			await worker.stop();
		}
	}, 30_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}
