// A worker cut off from the database while it runs a run: its run-lock session ends, and the run is taken
// back from it (back to pending, its next attempt queued), as the sweep does once the worker's lease has
// lapsed. The worker then reconnects and would renew its lease and run on to the end of its run, while
// the next attempt waited for the thread's lease (and, past 30 s, ended THREAD_BUSY). Its periodic check
// of the lock session learns on reconnecting that the run is no longer its attempt, and the attempt stops
// at once: its lease given up, the next attempt goes on from the last checkpoint (decision 0167).
// The sweep's part is done here by hand (worker/sweep.ts does the same in one transaction), so that the
// cut-off worker is the one that takes the next attempt: with a concurrency of 1 it can only start it once
// the old attempt has stopped.
import { START, StateGraph } from "@weft/graph";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startWorker, type WeftWorker } from "../src/index.ts";
import { queueAttempt } from "../src/worker/queue.ts";
import { RunLocks } from "../src/worker/run-locks.ts";
import { postgresAvailable } from "./fixtures/processes.ts";
import { type QueueServer, queueServer } from "./fixtures/queue-server.ts";

const available = await postgresAvailable();
const TICKS = 20;

/** Each tick's attempt, told apart by its task's run signal (a new attempt is a new run of the graph). */
const ticksBy: AbortSignal[] = [];

const ticks = new StateGraph(z.object({ count: z.number().default(0) }))
	.addNode("tick", async (s, ctx) => {
		ticksBy.push(ctx.signal);
		// the run's signal is every task's: the listener goes with its tick (else the 11th warns of a leak)
		await new Promise<void>((resolve, reject) => {
			const stop = () => {
				clearTimeout(timer);
				reject(ctx.signal.reason);
			};
			const timer = setTimeout(() => {
				ctx.signal.removeEventListener("abort", stop);
				resolve();
			}, 150);
			ctx.signal.addEventListener("abort", stop, { once: true });
		});
		return { count: s.count + 1 };
	})
	.addEdge(START, "tick")
	.addConditionalEdges("tick", (s) => (s.count >= TICKS ? "__end__" : "tick"))
	.compile({ name: "ticks" });

let api: QueueServer;
let worker: WeftWorker | undefined;
let sql: pg.Client;

beforeAll(async () => {
	if (!available) return;
	api = await queueServer("srv_taken_back", { ticks });
	sql = new pg.Client({ connectionString: api.databaseUrl });
	await sql.connect();
}, 30_000);

afterAll(async () => {
	await worker?.close();
	await sql?.end();
	await api?.close();
}, 30_000);

describe.skipIf(!available)("a run taken back from a cut-off worker", () => {
	it("stops on the worker at once, and its next attempt goes on from the last checkpoint", async () => {
		const { client, checkpointer, workerRecords } = api;
		worker = await startWorker({
			graphs: { ticks },
			checkpointer,
			records: workerRecords,
			concurrency: 1,
			sweepMs: 100,
		});
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "ticks", {
			input: {},
		});
		while (ticksBy.length < 3) await new Promise((r) => setTimeout(r, 20));

		// cut off, and taken back: the lock session ended, the run pending, its attempt 2 queued
		await sql.query("BEGIN");
		await sql.query(
			"UPDATE weft_server.runs SET status = 'pending', lost = lost + 1 WHERE run_id = $1 AND attempt = 1",
			[run.run_id],
		);
		await sql.query(
			`SELECT pg_terminate_backend(pid, 5000) FROM pg_locks
			WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
				AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
			[RunLocks.key(run.run_id)],
		);
		await queueAttempt(sql, run.run_id, 2);
		await sql.query("COMMIT");
		const takenAt = ticksBy.length;

		await client.runs.join(thread.thread_id, run.run_id);
		const ended = await client.runs.get(thread.thread_id, run.run_id);
		expect(ended.status).toBe("success");
		const state = await client.threads.getState(thread.thread_id);
		expect(state.values).toEqual({ count: TICKS });

		// attempt 1 started at most the tick in flight and one more before its check; attempt 2 did the rest
		const first = ticksBy[0];
		const firstAfter = ticksBy.slice(takenAt).filter((s) => s === first);
		expect(firstAfter.length).toBeLessThanOrEqual(2);
		const second = ticksBy.filter((s) => s !== first);
		expect(new Set(second).size).toBe(1);
		expect(second.length).toBeGreaterThanOrEqual(TICKS - takenAt - 2);
	}, 60_000);
});
