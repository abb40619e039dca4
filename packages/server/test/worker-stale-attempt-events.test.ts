// A worker whose run was taken from it while it was paused (SIGSTOP) writes nothing into the run once
// woken: the sweep's part is done here by hand (the run moved to its next attempt, the thread's fencing
// token moved on), with no other worker, so nothing else writes the run's events meanwhile. The woken
// worker's step is refused (LEASE_LOST); neither that error nor anything else of its attempt may reach
// the run's stream, which the next attempt continues.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const workerGraphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const available = await postgresAvailable();
const graphArgs = ["--graph", `steps=${workerGraphs}#steps`];

let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
let worker: WeftProcess;
let client: Client;
let checkpointer: PostgresCheckpointer;
let sql: pg.Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_stale_events");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	// no sweep of its own in the test's time: woken, its sweep would queue the run's attempt 2 (pending with
	// no job, its thread quiet for 3 × sweep-ms) and run it here, writing that attempt's events (under load,
	// when the pause outlasted that)
	worker = await startProcess(
		["worker", "--postgres", db.url, ...graphArgs, "--sweep-ms", "60000"],
		/weft worker: ready/,
	);
	client = new Client({ apiUrl: api.match[1]! });
	checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
	sql = new pg.Client({ connectionString: db.url });
	await sql.connect();
}, 60_000);

afterAll(async () => {
	if (!available) return;
	worker?.child.kill("SIGCONT");
	await sql?.end();
	await checkpointer?.close();
	await worker?.stop();
	await api?.stop();
	await db?.drop();
}, 30_000);

async function until(check: () => Promise<boolean>, what: string) {
	const deadline = Date.now() + 30_000;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe.skipIf(!available)(
	"a worker woken after its run was taken from it",
	() => {
		it("writes no event into the run and leaves its status to the next attempt", async () => {
			const thread = await client.threads.create();
			const threadId = thread.thread_id;
			const run = await client.runs.create(threadId, "steps", {
				input: { n: 20 },
				streamMode: ["updates"],
			});
			await until(async () => {
				const state = await client.threads.getState(threadId);
				return ((state.values as { i?: number }).i ?? 0) >= 2;
			}, "the run is past step 2");
			worker.child.kill("SIGSTOP");
			await until(
				async () =>
					(await checkpointer.getThread(threadId))?.status === "stale",
				"the paused run's lease lapses",
			);
			// the sweep's part: the fencing token moves on, the run goes back to pending as attempt 2
			const fence = await checkpointer.acquireLease(threadId, {
				owner: "test",
				ttlMs: 10_000,
			});
			await checkpointer.releaseLease(fence, undefined);
			await sql.query(
				`UPDATE weft_server.runs SET status = 'pending', attempt = attempt + 1,
					body = body || jsonb_build_object('status', 'pending') WHERE run_id = $1`,
				[run.run_id],
			);
			const events = async () =>
				(
					await sql.query(
						"SELECT seq, event FROM weft_server.run_events WHERE run_id = $1 ORDER BY seq",
						[run.run_id],
					)
				).rows;
			const before = await events();
			// woken: its step is refused; it ends its attempt (SIGTERM waits for what it still runs)
			worker.child.kill("SIGCONT");
			await worker.stop();
			expect(await events()).toEqual(before);
			const { rows } = await sql.query(
				"SELECT status, attempt FROM weft_server.runs WHERE run_id = $1",
				[run.run_id],
			);
			expect(rows).toEqual([{ status: "pending", attempt: 2 }]);
		}, 60_000);
	},
);
