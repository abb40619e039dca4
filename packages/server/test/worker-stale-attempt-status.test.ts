// A worker paused (SIGSTOP) while it runs a run, whose run the sweep took back: the run waits `pending`
// for its next attempt, still numbered as the paused one's (the claim numbers it). Woken, the paused worker's
// own stop of its attempt lands on it: its run timeout, long past, or a cancel asked meanwhile. Neither may
// move the run: it is no longer that attempt's. The run ends as its next attempt decides, once; the woken
// attempt writes no status, no event and nothing of the thread. In the first two cases the sweep's part is
// done here by hand, as worker/sweep.ts does it (fencing token moved on, the paused lock session ended, the
// run back to pending), without queueing the next attempt, so that nothing claims the run before the woken
// worker has ended; in the last, another worker's sweep takes the run and runs it before the wake.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import {
	afterAll,
	beforeAll,
	beforeEach,
	describe,
	expect,
	it,
	onTestFailed,
} from "vitest";
import { RunLocks } from "../src/worker/run-locks.ts";
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
const STEPS = 12;
const TIMEOUT_S = 5;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
const workers: WeftProcess[] = [];
let client: Client;
let checkpointer: PostgresCheckpointer;
let sql: pg.Client;

const startWorker = async (...args: string[]) => {
	const w = await startProcess(
		[
			"worker",
			"--postgres",
			db.url,
			...graphArgs,
			"--sweep-ms",
			"500",
			...args,
		],
		/weft worker: ready/,
	);
	workers.push(w);
	return w;
};

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_stale_status");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
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
	for (const w of workers) w.child.kill("SIGCONT");
	await Promise.all(workers.map((w) => w.stop()));
	await sql?.end();
	await checkpointer?.close();
	await api?.stop();
	await db?.drop();
}, 30_000);

// a failed case shows what the processes said (a hang is otherwise silent)
beforeEach(() => {
	onTestFailed(() => {
		for (const p of [api, ...workers])
			if (p !== undefined)
				process.stderr.write(
					`--- weft ${p.child.spawnargs.slice(-8).join(" ")}\n${p.output().slice(-4000)}\n`,
				);
	});
});

async function until(check: () => Promise<boolean>, what: string) {
	const deadline = Date.now() + 40_000;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

const runRow = async (runId: string) =>
	(
		await sql.query(
			"SELECT status, attempt, body->>'status' AS recorded FROM weft_server.runs WHERE run_id = $1",
			[runId],
		)
	).rows[0] as { status: string; attempt: number; recorded: string };

const storedEvents = async (runId: string) =>
	(
		await sql.query(
			"SELECT seq, event FROM weft_server.run_events WHERE run_id = $1 ORDER BY seq",
			[runId],
		)
	).rows as { seq: number; event: string }[];

/** What the woken attempt must leave alone: the thread's lease, status and checkpoints. */
async function threadAsIs(threadId: string) {
	const info = await checkpointer.getThread(threadId);
	const history = await client.threads.getHistory(threadId, { limit: 100 });
	return {
		status: info?.status,
		token: info?.lease?.token ?? null,
		checkpoints: history.length,
	};
}

/**
 * Pauses the worker (SIGSTOP) where it has no transaction open. Paused inside one (a step's commit), it
 * would keep its thread's row locked until woken, and the lease could not be taken from it by anybody:
 * not by the sweep (left open, decision 0128), not here.
 */
async function pauseOutsideTransaction(worker: WeftProcess) {
	for (let tries = 0; ; tries++) {
		worker.child.kill("SIGSTOP");
		const { rows } = await sql.query(
			`SELECT count(*)::int AS open FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
		);
		if (rows[0].open === 0) return;
		if (tries > 200)
			throw new Error("the worker never paused outside a transaction");
		worker.child.kill("SIGCONT");
		await new Promise((r) => setTimeout(r, 30));
	}
}

/**
 * Starts a run on `worker`, pauses the worker past the run's first step, lets the thread's lease lapse
 * (and `then`), and takes the run back as the sweep does: the thread's fencing token moved on, the session
 * holding the run's lock ended, the run `pending` with the paused attempt's number.
 */
async function pausedAndTakenBack(
	worker: WeftProcess,
	then: (threadId: string, runId: string) => Promise<void>,
) {
	const thread = await client.threads.create();
	const threadId = thread.thread_id;
	const run = await client.runs.create(threadId, "steps", {
		input: { n: STEPS },
		streamMode: ["updates"],
	});
	await until(async () => {
		const state = await client.threads.getState(threadId);
		return ((state.values as { i?: number }).i ?? 0) >= 1;
	}, "the run is past its first step");
	await pauseOutsideTransaction(worker);
	expect(await runRow(run.run_id), "paused while it runs").toMatchObject({
		status: "running",
		attempt: 1,
	});
	await until(
		async () => (await checkpointer.getThread(threadId))?.status === "stale",
		"the paused run's lease lapses",
	);
	await then(threadId, run.run_id);
	const fence = await checkpointer.acquireLease(threadId, {
		owner: "test-sweep",
		ttlMs: 10_000,
	});
	await checkpointer.releaseLease(fence, undefined);
	const { rows } = await sql.query(
		`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS ended FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND pid <> pg_backend_pid()
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
		[RunLocks.key(run.run_id)],
	);
	expect(rows[0].ended, "the paused worker's lock session ended").toBe(1);
	const moved = await sql.query(
		`UPDATE weft_server.runs SET status = 'pending',
			body = body || jsonb_build_object('status', 'pending')
		WHERE run_id = $1 AND status = 'running'`,
		[run.run_id],
	);
	expect(moved.rowCount).toBe(1);
	// its next attempt queued, as the sweep does, but not due before the case starts it (`nextAttempt`): a
	// pending run with no job would be started by the woken worker's sweep (decision 0164)
	await sql.query(
		`SELECT graphile_worker.add_job('weft_run', json_build_object('runId', $1::text, 'attempt', 2),
			max_attempts => 10, job_key => $1 || ':2', run_at => now() + interval '1 hour')`,
		[run.run_id],
	);
	return { threadId, runId: run.run_id };
}

/** Wakes the paused worker and waits until it has ended whatever it ran (SIGTERM waits for its runs). */
async function wakeAndStop(worker: WeftProcess) {
	worker.child.kill("SIGCONT");
	await stopWorker(worker);
}

/** Stops a worker (it waits for what it runs): none is left to sweep the next case's run. */
async function stopWorker(worker: WeftProcess) {
	await worker.stop();
	workers.splice(workers.indexOf(worker), 1);
}

/** Makes the run's next attempt due now, as the sweep queues it, and starts a worker to take it. */
async function nextAttempt(runId: string) {
	await sql.query(
		`SELECT graphile_worker.add_job('weft_run', json_build_object('runId', $1::text, 'attempt', 2),
			max_attempts => 10, job_key => $1 || ':2')`,
		[runId],
	);
	return startWorker();
}

describe.skipIf(!available)(
	"a woken worker whose run was taken back from it",
	() => {
		it("its run timeout, past while it was paused, does not end the run", async () => {
			const paused = await startWorker("--run-timeout", `${TIMEOUT_S}s`);
			const { threadId, runId } = await pausedAndTakenBack(
				paused,
				async (_threadId, runId) => {
					// past the run timeout by the worker's clock: its timer fires as soon as it is woken
					await until(async () => {
						const { rows } = await sql.query(
							"SELECT now() - claimed_at > make_interval(secs => $2) AS past FROM weft_server.runs WHERE run_id = $1",
							[runId, TIMEOUT_S + 1],
						);
						return rows[0].past === true;
					}, "the paused attempt is past its run timeout");
				},
			);
			const events = await storedEvents(runId);
			const thread = await threadAsIs(threadId);
			await wakeAndStop(paused);
			expect(await runRow(runId)).toEqual({
				status: "pending",
				attempt: 1,
				recorded: "pending",
			});
			expect(await storedEvents(runId)).toEqual(events);
			expect(await threadAsIs(threadId)).toEqual(thread);

			// the next attempt (a worker without a run timeout) goes on and ends the run
			const next = await nextAttempt(runId);
			expect(await client.runs.join(threadId, runId)).toMatchObject({
				i: STEPS,
			});
			expect(await runRow(runId)).toEqual({
				status: "success",
				attempt: 2,
				recorded: "success",
			});
			const names: string[] = [];
			const updates: number[] = [];
			for await (const p of client.runs.joinStream(threadId, runId)) {
				names.push(p.event);
				if (p.event === "updates")
					updates.push((p.data as { step: { i: number } }).step.i);
			}
			expect(names).not.toContain("error");
			expect(updates).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
			await stopWorker(next);
		}, 120_000);

		it("a cancel asked while it was paused is ended by the next attempt, not by the woken one", async () => {
			const paused = await startWorker();
			const { threadId, runId } = await pausedAndTakenBack(
				paused,
				async (threadId, runId) => {
					// asked while the run is still running on the paused worker: only flagged (it hears it when woken)
					await client.runs.cancel(threadId, runId);
					expect(await runRow(runId)).toMatchObject({ status: "running" });
				},
			);
			const events = await storedEvents(runId);
			const thread = await threadAsIs(threadId);
			await wakeAndStop(paused);
			expect(await runRow(runId)).toEqual({
				status: "pending",
				attempt: 1,
				recorded: "pending",
			});
			expect(await storedEvents(runId)).toEqual(events);
			expect(await threadAsIs(threadId)).toEqual(thread);

			// the next attempt's claim finds the cancel asked: the run ends cancelled, as attempt 2
			const next = await nextAttempt(runId);
			await until(
				async () => (await runRow(runId)).status !== "pending",
				"the next attempt takes the run",
			);
			expect(await runRow(runId)).toEqual({
				status: "cancelled",
				attempt: 2,
				recorded: "cancelled",
			});
			expect(await storedEvents(runId)).toEqual(events);
			await stopWorker(next);
		}, 120_000);

		it("once another worker's sweep has taken the run and runs it, the woken worker's timeout changes nothing", async () => {
			const paused = await startWorker("--run-timeout", `${TIMEOUT_S}s`);
			const thread = await client.threads.create();
			const threadId = thread.thread_id;
			const run = await client.runs.create(threadId, "steps", {
				input: { n: STEPS },
				streamMode: ["updates"],
			});
			await until(async () => {
				const state = await client.threads.getState(threadId);
				return ((state.values as { i?: number }).i ?? 0) >= 1;
			}, "the run is past its first step");
			await pauseOutsideTransaction(paused);
			expect(await runRow(run.run_id), "paused while it runs").toMatchObject({
				status: "running",
				attempt: 1,
			});
			const { rows } = await sql.query(
				"SELECT claimed_at FROM weft_server.runs WHERE run_id = $1",
				[run.run_id],
			);
			const claimedAt = rows[0].claimed_at as Date;
			// another worker (no run timeout): its sweep takes the run back once its lease lapsed, and runs it
			const other = await startWorker();
			await until(
				async () =>
					(await runRow(run.run_id)).attempt === 2 &&
					(await checkpointer.getThread(threadId))?.lease?.owner.split(
						":",
					)[1] === String(other.child.pid),
				"the other worker runs the run as attempt 2",
			);
			// the paused attempt is past its run timeout: woken, its timer fires at once
			await until(async () => {
				const { rows } = await sql.query(
					"SELECT now() - $1::timestamptz > make_interval(secs => $2) AS past",
					[claimedAt, TIMEOUT_S + 1],
				);
				return rows[0].past === true;
			}, "the paused attempt is past its run timeout");
			paused.child.kill("SIGCONT");
			expect(await client.runs.join(threadId, run.run_id)).toMatchObject({
				i: STEPS,
			});
			await stopWorker(paused);
			expect(await runRow(run.run_id)).toEqual({
				status: "success",
				attempt: 2,
				recorded: "success",
			});
			const names: string[] = [];
			const updates: number[] = [];
			for await (const p of client.runs.joinStream(threadId, run.run_id)) {
				names.push(p.event);
				if (p.event === "updates")
					updates.push((p.data as { step: { i: number } }).step.i);
			}
			expect(names).not.toContain("error");
			expect(updates).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
			expect((await checkpointer.getThread(threadId))?.status).toBe("done");
			await stopWorker(other);
		}, 120_000);
	},
);
