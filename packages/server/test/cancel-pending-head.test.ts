// A thread's queue on weft serve: run A pending whose job is not due yet (a run given back after its store
// went away waits n seconds for its next attempt), run B enqueued behind it. B's job ran at once and gave
// up (A is older and pending). Cancelling A left B pending for ever: nothing queued it again. Now the
// cancel of a pending run queues the run behind it, as a worker does when a run ends.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!available)(
	"cancelling the pending head of a thread's queue",
	() => {
		it("the run enqueued behind it runs", async () => {
			const db = await freshDatabase("cancel_head");
			cleanups.push(() => db.drop());
			const processes: WeftProcess[] = [];
			cleanups.push(async () => {
				await Promise.all(processes.map((p) => p.stop("SIGKILL")));
			});
			const api = await startProcess(
				["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
				/listening on (http:\/\/[^\s]+)/,
			);
			processes.push(api);
			const sql = new pg.Client({ connectionString: db.url });
			await sql.connect();
			cleanups.push(() => sql.end());
			const client = new Client({
				apiUrl: api.match[1]!,
				callerOptions: { maxRetries: 0 },
			});
			const thread = await client.threads.create();
			const a = await client.runs.create(thread.thread_id, "slow", {
				input: { ms: 1 },
			});
			// A's job not due for an hour: as a run given back for a lost store waits for its next attempt
			const delayed = await sql.query(
				"UPDATE graphile_worker._private_jobs SET run_at = now() + interval '1 hour' WHERE key = $1",
				[`${a.run_id}:1`],
			);
			expect(delayed.rowCount).toBe(1);
			const b = await client.runs.create(thread.thread_id, "slow", {
				input: { ms: 1 },
				multitaskStrategy: "enqueue",
			});
			processes.push(
				await startProcess(
					["worker", "--postgres", db.url, ...graphArgs],
					/weft worker: ready/,
				),
			);
			// B's job runs and gives up: A is older and pending
			for (let i = 0; i < 100; i++) {
				const { rows } = await sql.query(
					"SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = $1",
					[`${b.run_id}:1`],
				);
				if ((rows[0] as { n: number }).n === 0) break;
				await sleep(50);
			}
			expect((await client.runs.get(thread.thread_id, b.run_id)).status).toBe(
				"pending",
			);
			await client.runs.cancel(thread.thread_id, a.run_id);
			let status = "pending";
			for (let i = 0; i < 200 && status !== "success"; i++) {
				await sleep(50);
				status = (await client.runs.get(thread.thread_id, b.run_id)).status;
			}
			expect(status).toBe("success");
			expect((await client.runs.get(thread.thread_id, a.run_id)).status).toBe(
				"cancelled",
			);
		}, 60_000);
	},
);
