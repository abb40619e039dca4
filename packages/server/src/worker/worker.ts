import {
	CheckpointError,
	type Checkpointer,
	type Store,
	type WeftError,
} from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { Logger, makeWorkerUtils, type Runner, run } from "graphile-worker";
import type { PostgresRecords } from "../records/postgres-records.ts";
import { DEFAULT_EVENTS_TTL_MS } from "../run-events.ts";
import { executeRun, RunStop, stoppedOutcome } from "../run-exec.ts";
import { nextRunStatus } from "../run-lifecycle.ts";
import { withRunStore } from "../scoped-store.ts";
import { postgresLoad, watchServerLoad } from "../telemetry-gauges.ts";
import { hasCheckpoint, leaseReleased } from "../thread-lease.ts";
import { webhookOnEnd } from "../webhook.ts";
import { listenForCancels } from "./cancel-listener.ts";
import { PgEventWriter } from "./pg-events.ts";
import { queueNextOfThread, RUN_JOB_TASK, type RunJob } from "./queue.ts";
import { reportQueueConnectionLoss } from "./queue-rejections.ts";
import { RunLocks } from "./run-locks.ts";
import { claimRun, finishRun, giveBack } from "./run-moves.ts";
import { sweepWorkerEvery } from "./sweep.ts";

type AnyGraph = CompiledGraph<any, any>;

/** Options of `startWorker`. */
export interface WorkerOptions {
	graphs: Record<string, AnyGraph>;
	checkpointer: Checkpointer;
	records: PostgresRecords;
	/** Runs executed at once by this process (default 4). */
	concurrency?: number | undefined;
	/** How often running runs are checked for an expired lease (default 5 s). */
	sweepMs?: number | undefined;
	/**
	 * A run whose worker is lost this many times (taken back from a dead or stalled worker, or given back
	 * because its store went away) ends `error` (NODE_FAILED) instead of being tried again: a node that
	 * kills every worker it runs on (out of memory, a native crash) does not take them all down in turn
	 * for ever (default 5).
	 */
	maxAttempts?: number | undefined;
	/** Long-term memory given to runs as `ctx.store`, one scope per run owner (as `weft dev` does). */
	store?: Store | undefined;
	/** A run still running after this long is stopped with status `timeout` (default: none). */
	runTimeoutMs?: number | undefined;
	/**
	 * How long `close()` lets the runs in flight finish (default 10 s). Past it, each is stopped, its
	 * thread's lease released, and it is queued again: another worker goes on from its last checkpoint.
	 */
	shutdownGraceMs?: number | undefined;
	/**
	 * Told when this worker lost its hold on the database (the lock's connection dropped) and a weft dev
	 * took it alone meanwhile (decision 0110): the runs in flight here are stopped at once and the worker
	 * closes itself. Default: the error is written to stderr.
	 */
	onServingLost?: ((error: WeftError) => void) | undefined;
	/** Stored events: how many per run (oldest dropped), and how long after a run ends (swept). */
	events?: { maxPerRun?: number | undefined; ttlMs?: number | undefined };
}

/** A worker process's pool. */
export interface WeftWorker {
	/**
	 * Stops taking jobs, lets the runs in flight finish within `shutdownGraceMs`, then hands the others
	 * over (released lease, queued again); resolves when none is left here.
	 */
	close(): Promise<void>;
	/** Runs executing in this process now. */
	readonly running: number;
}

/** A run given back because its store went away starts again after this × the attempt's number. */
const STORE_LOSS_PAUSE_MS = 1000;

/** graphile-worker's log, warnings and errors only (its per-job info lines are noise here). */
const quiet = new Logger(() => (level, message) => {
	if (level === "error" || level === "warning")
		process.stderr.write(`weft worker (queue): ${message}\n`);
});

/**
 * Executes the runs `weft serve` queued: takes a job, claims the run (pending → running), runs the graph
 * (which takes the thread's lease and fences every commit), writes its events and final status to
 * Postgres. A run that stops at a human checkpoint ends its job: it holds no worker and no lease. Every
 * `sweepMs`, runs marked running whose thread's lease has expired (their worker died) are put back to
 * pending and queued again; that attempt recovers the thread from its last checkpoint.
 */
export async function startWorker(options: WorkerOptions): Promise<WeftWorker> {
	// shared with weft serve and the other workers; refused beside a weft dev that holds the database
	// lost to a weft dev meanwhile (decision 0110): nothing more executes here
	let shutDown = async () => {};
	let closed: Promise<void> | undefined;
	const close = () => {
		closed ??= shutDown();
		return closed;
	};
	const stopServing = await options.records.serving(false, (error) => {
		for (const [runId, { controller }] of live)
			controller.abort(new RunStop("shutdown", runId));
		void close().catch(() => {});
		if (options.onServingLost !== undefined) options.onServingLost(error);
		else
			process.stderr.write(
				`weft worker: ${error.message}\nhint: ${error.hint ?? ""}\n`,
			);
	});
	const pool = options.records.pool;
	const maxAttempts = options.maxAttempts ?? 5;
	const graphs = new Map(
		Object.entries(options.graphs).map(([name, g]) => [
			name,
			g.withCheckpointer(options.checkpointer),
		]),
	);
	/**
	 * The runs executing here, each with its attempt (a stale one's entry gives way to a later attempt's),
	 * whether its job claimed the run, and when it is done.
	 */
	const live = new Map<
		string,
		{
			controller: AbortController;
			attempt: number;
			claimed: Promise<boolean>;
			ended: Promise<void>;
		}
	>();
	const utils = await makeWorkerUtils({ pgPool: pool });
	await utils.migrate();
	const listener = listenForCancels(pool, live, () => closed !== undefined);
	await listener.start();
	// a run taken back from this worker (cut off from the database, or paused, past its lease) stops here:
	// its lease is given up (the thread's status left as it is) and the next attempt goes on from the last
	// checkpoint, instead of waiting for this one to run on to its end (decision 0167)
	const runLocks = await RunLocks.open(pool, (runId, attempt) => {
		const entry = live.get(runId);
		if (entry?.attempt === attempt)
			entry.controller.abort(takenBack(runId, attempt));
	});

	const execute = async (job: RunJob): Promise<void> => {
		// a second job of the same attempt taken here while the first executes (the run's own job, and the
		// one the run ahead of it queued as it ended: both come at once when a run is admitted behind one
		// that stops at once, decision 0215) leaves the run to the first once that one has claimed it, and
		// else waits for it to be done. It used to take the first's entry: the run the first had claimed
		// then heard no cancel (this worker's session lock, taken again, held it too)
		for (
			let other = live.get(job.runId);
			other !== undefined && other.attempt === job.attempt;
			other = live.get(job.runId)
		) {
			if (await other.claimed) return;
			await other.ended;
		}
		// listened for before the claim: a cancel committed just after it is heard even when its notification
		// comes before the claim's answer
		const controller = new AbortController();
		let claim = (_: boolean) => {};
		let end = () => {};
		const entry = {
			controller,
			attempt: job.attempt,
			claimed: new Promise<boolean>((resolve) => {
				claim = resolve;
			}),
			ended: new Promise<void>((resolve) => {
				end = resolve;
			}),
		};
		live.set(job.runId, entry);
		let held = false;
		try {
			// held from before the claim until the final status is written, so that no sweep takes the run
			// back from a live worker; held elsewhere: another worker has this run (a second job of it)
			held = await runLocks.hold(job.runId, job.attempt);
			if (held) await claimAndRun(job, controller, claim);
		} finally {
			claim(false); // not claimed here (a promise settles once: a claim made stays true)
			// a later attempt of the run taken here meanwhile keeps its own entry and lock
			if (live.get(job.runId) === entry) live.delete(job.runId);
			if (held) await runLocks.release(job.runId, job.attempt).finally(end);
			else end();
		}
	};

	const claimAndRun = async (
		job: RunJob,
		controller: AbortController,
		claimed: (claimed: boolean) => void,
	): Promise<void> => {
		const row = await claimRun(pool, job);
		claimed(row !== undefined && row.status !== null);
		if (row === undefined || row.status === null) return;
		// claimed as cancelled (a cancel asked while it waited): it ends here, and the run behind it starts
		if (row.status !== "running") return startNext(row.body.threadId);
		const compiled = graphs.get(row.body.graphId);
		const graph =
			compiled === undefined
				? undefined
				: withRunStore(compiled, options.store, row.body.owner ?? undefined);
		const timeout =
			options.runTimeoutMs === undefined
				? undefined
				: setTimeout(
						() => controller.abort(new RunStop("timeout", job.runId)),
						options.runTimeoutMs,
					);
		const events = PgEventWriter.after(pool, job, row, options.events);
		let handedOver = false;
		// false once a status write finds the run no longer this attempt's: the attempt ends quietly
		let mine = true;
		try {
			if (graph === undefined) {
				events.push("error", {
					error: "CONFIG_INVALID",
					message: `this worker has no graph "${row.body.graphId}"`,
					hint: "start weft worker with the same --graph list (or weft.json) as weft serve",
				});
				await events.flush();
				mine = await finishRun(pool, job.runId, job.attempt, "error");
				return;
			}
			// a dead attempt may have taken the thread's lease and died before its first checkpoint: then
			// there is nothing of this run to continue from, and the run starts again from its input. Once
			// any checkpoint is the run's, its input was applied: it goes on from the thread's head, also
			// when another runner (`weft recover`) has moved the thread on since
			const recover =
				job.attempt > 1 &&
				(await hasCheckpoint(
					options.checkpointer,
					row.body.threadId,
					job.runId,
				));
			const { output, outcome } = await executeRun(
				graph,
				{ ...row.body, owner: row.body.owner ?? undefined },
				row.request ?? { assistant_id: row.body.assistantId },
				{
					signal: controller.signal,
					push: (e, d) => events.push(e, d),
					pausing: () => events.hold(),
				},
				{
					attempt: job.attempt,
					recover,
					sent: events.sent,
					releaseOnStoreLoss: row.lost + 1 < maxAttempts,
				},
			);
			// asked while the run was given back (its store lost, or a hand-over at shutdown)
			let cancelled = false;
			const stop = controller.signal.reason;
			if (
				outcome === "RELEASE" ||
				(outcome === "CANCEL" &&
					stop instanceof RunStop &&
					stop.why === "handover")
			) {
				// the next attempt numbers its events after the stored ones: all of them are written first. The
				// store went away mid-run (RELEASE): a later attempt goes on from the last checkpoint, after a
				// pause; the events a failed batch lost are rebuilt from the checkpoints, as after a dead worker,
				// and where even the hand-over cannot be written, the run stays running for the sweep
				const lostStore = outcome === "RELEASE";
				if (lostStore) await events.flush().catch(() => {});
				else await events.flush();
				const given = await handOver(
					job,
					row.body.threadId,
					lostStore ? STORE_LOSS_PAUSE_MS * job.attempt : 0,
					lostStore,
				).catch((error: unknown) => {
					if (lostStore) return "left" as const;
					throw error;
				});
				handedOver = given === "handed" || given === "left";
				if (handedOver) return;
				if (given === "gone") {
					mine = false;
					return;
				}
				cancelled = true;
			}
			// the events not written yet go in the status's own statement (one commit, not two in a row)
			const status =
				nextRunStatus(
					"running",
					cancelled ? "CANCEL" : stoppedOutcome(controller.signal, outcome),
				) ?? "error";
			mine = await finishRun(
				pool,
				job.runId,
				job.attempt,
				status,
				output,
				await events.rest(),
			);
			if (mine)
				webhookOnEnd(
					row.request?.webhook,
					{ ...row.body, owner: row.body.owner ?? undefined, status },
					output,
				);
		} finally {
			clearTimeout(timeout);
			// a run taken back from this attempt is ended by the next one, which starts the thread's next run
			if (!handedOver && mine) await startNext(row.body.threadId);
		}
	};

	/**
	 * Gives a stopped run back: waits until its thread's lease is released (the graph releases it once
	 * the step in flight has settled), then moves it running → pending (RELEASE) and queues its next
	 * attempt, in one statement with its announcement (nothing in between can leave it pending with no
	 * job); another worker continues from the last checkpoint. `handed`: done; `left`: the lease is still
	 * held after a while (a step that ignores its signal), so the run stays `running` for the sweep;
	 * `cancel`: a cancel was asked meanwhile (the caller ends the run cancelled); `gone`: the run is no
	 * longer this attempt's.
	 */
	const handOver = async (
		job: RunJob,
		threadId: string,
		/** How long the next attempt waits before it starts. */
		delayMs = 0,
		/** The attempt lost its store: counted toward `maxAttempts`. */
		lost = false,
	): Promise<"handed" | "left" | "cancel" | "gone"> => {
		if (!(await leaseReleased(options.checkpointer, threadId))) return "left";
		// the run's lock goes first: the worker taking the next attempt must get it (a sweep that takes the
		// run meanwhile leaves the move below nothing to match)
		await runLocks.release(job.runId, job.attempt);
		return giveBack(
			pool,
			job,
			lost,
			delayMs > 0 ? new Date(Date.now() + delayMs) : undefined,
		);
	};

	/** Queues the oldest run enqueued behind the one that just ended on this thread. */
	const startNext = (threadId: string): Promise<void> =>
		queueNextOfThread(pool, threadId);

	const stopSweeping = sweepWorkerEvery(pool, runLocks, options.checkpointer, {
		sweepMs: options.sweepMs ?? 5000,
		live,
		maxAttempts,
		eventsTtlMs: options.events?.ttlMs ?? DEFAULT_EVENTS_TTL_MS,
	});

	const graceMs = options.shutdownGraceMs ?? 10_000;
	const unwatch = watchServerLoad(postgresLoad(pool), options.checkpointer);
	const unreport = reportQueueConnectionLoss();
	const runner: Runner = await run({
		pgPool: pool,
		concurrency: options.concurrency ?? 4,
		noHandleSignals: true,
		pollInterval: 1000,
		logger: quiet,
		// the queue must not abort jobs before the grace period and the hand-over are done
		gracefulShutdownAbortTimeout: graceMs + 60_000,
		taskList: {
			[RUN_JOB_TASK]: async (payload) => execute(payload as RunJob),
		},
	}).catch(async (error: unknown) => {
		unreport();
		unwatch();
		await stopSweeping();
		throw error;
	});
	shutDown = async () => {
		unwatch();
		await stopSweeping();
		// stop() stops taking jobs at once and resolves when the jobs in flight have ended
		const stopped = runner.stop();
		const grace = setTimeout(() => {
			for (const [runId, { controller }] of live)
				controller.abort(new RunStop("handover", runId));
		}, graceMs);
		await stopped;
		clearTimeout(grace);
		await listener.close();
		runLocks.close();
		await utils.release();
		await stopServing();
		unreport();
	};
	return {
		get running() {
			return live.size;
		},
		close,
	};
}

/**
 * Why a run's attempt stops when it was taken back from this worker: `LEASE_LOST`, so that the graph gives
 * its lease up without writing the thread's status (the next attempt's business) and stops.
 */
function takenBack(runId: string, attempt: number): CheckpointError {
	return new CheckpointError(
		"LEASE_LOST",
		`run ${runId}: attempt ${attempt} was taken back from this worker (cut off from the database or paused past its lease); the next attempt goes on from the last checkpoint`,
		{ hint: "nothing to do: the run goes on in its next attempt" },
	);
}
