import type { CompiledGraph } from "@weft/graph";
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import type pg from "pg";
import {
	CANCEL_CHANNEL,
	EVENTS_CHANNEL,
	notify,
	type PostgresRecords,
	RECORDS_CHANNEL,
} from "../records/postgres-records.ts";
import { startTimeOf } from "../run-delay.ts";
import type { RunEventLog } from "../run-events.ts";
import { type RunExecutor, shuttingDown, threadBusy } from "../run-executor.ts";
import { isFinalRunStatus } from "../run-lifecycle.ts";
import type { RunCreateBody } from "../schemas.ts";
import type { RunRecord, ThreadRegistry } from "../thread-registry.ts";
import { Listener } from "./listen.ts";
import { PgRunEvents, type RunWatch } from "./pg-events.ts";
import { admitModeOf, queueNewRun, queueNextOfThread } from "./queue.ts";
import { bodyWithStatus } from "./run-moves.ts";

type AnyGraph = CompiledGraph<any, any>;

/**
 * The API side of `weft serve`: a run is a row plus a graphile-worker job; workers execute it and write
 * its status and events to Postgres, which this process reads (woken by LISTEN/NOTIFY, polling as a
 * fallback). Thread and run records of other processes reach this one's cache the same way.
 */
export class QueueRunManager implements RunExecutor, RunWatch {
	readonly #registry: ThreadRegistry;
	/** A run's answer without an output of its own: the thread's values (app.ts). */
	readonly #stateOf: (run: RunRecord) => Promise<Record<string, unknown>>;
	readonly #records: PostgresRecords;
	readonly #pool: pg.Pool;
	readonly #utils: WorkerUtils;
	readonly #listener: Listener;
	readonly #waiters = new Map<string, Set<() => void>>();
	readonly #queued = new Map<string, Promise<void>>();
	readonly #refreshing = new Set<Promise<void>>();
	/** Runs a join waits on (how many joins): their record is read with its output. */
	readonly #joining = new Map<string, number>();
	/** The output of a joined run, read with its final record (until its joins have taken it). */
	readonly #outputs = new Map<string, unknown>();
	#closing = false;

	private constructor(
		registry: ThreadRegistry,
		records: PostgresRecords,
		utils: WorkerUtils,
		stateOf: (run: RunRecord) => Promise<Record<string, unknown>>,
	) {
		this.#stateOf = stateOf;
		this.#registry = registry;
		this.#records = records;
		this.#pool = records.pool;
		this.#utils = utils;
		this.#listener = new Listener(
			this.#pool,
			[RECORDS_CHANNEL, EVENTS_CHANNEL],
			(channel, payload) => this.#track(this.#onNotify(channel, payload)),
			() => this.#track(this.#reloadAll()),
		);
	}

	static async open(
		registry: ThreadRegistry,
		records: PostgresRecords,
		stateOf: (
			run: RunRecord,
		) => Promise<Record<string, unknown>> = async () => ({}),
	): Promise<QueueRunManager> {
		const utils = await makeWorkerUtils({ pgPool: records.pool });
		await utils.migrate();
		const manager = new QueueRunManager(registry, records, utils, stateOf);
		await manager.#listener.start();
		return manager;
	}

	/**
	 * Keeps a refresh started by a notification until it ends, and drops its failure: a refresh that
	 * meets a lost connection or an ending pool is redone by the next notification or by `wait`'s poll.
	 */
	#track(refresh: Promise<void>): void {
		const tracked = refresh.catch(() => {});
		this.#refreshing.add(tracked);
		void tracked.then(() => this.#refreshing.delete(tracked));
	}

	async #onNotify(channel: string, payload: string): Promise<void> {
		if (channel === EVENTS_CHANNEL) return this.#wake(payload);
		const [change, origin] = payload.split("|");
		// this process's own writes are already in its cache
		if (origin === this.#records.origin || change === undefined) return;
		payload = change;
		const [kind, id] = [
			payload.slice(0, payload.indexOf(":")),
			payload.slice(payload.indexOf(":") + 1),
		];
		if (kind === "run") {
			if (this.#joining.has(id)) {
				// a join waits on this run: its output comes with the record, in one round trip
				const { run, output } = await this.#records.getRunWithOutput(id);
				if (run !== undefined && isFinalRunStatus(run.status))
					this.#outputs.set(id, output);
				this.#registry.runs.refresh(id, run);
			} else this.#registry.runs.refresh(id, await this.#records.getRun(id));
			this.#wake(id);
		} else if (kind === "thread")
			this.#registry.threads.refresh(id, await this.#records.getThread(id));
	}

	async #reloadAll(): Promise<void> {
		for (const r of await this.#records.loadRuns())
			this.#registry.runs.refresh(r.runId, r);
		for (const t of await this.#records.loadThreads())
			this.#registry.threads.refresh(t.threadId, t);
		for (const id of this.#waiters.keys()) this.#wake(id);
	}

	async caughtUp(): Promise<void> {
		await this.#listener.sync();
		await Promise.all(this.#refreshing);
	}

	#wake(runId: string): void {
		const waiters = this.#waiters.get(runId);
		if (waiters === undefined) return;
		this.#waiters.delete(runId);
		for (const w of waiters) w();
	}

	ended(runId: string): boolean {
		const run = this.#registry.runs.get(runId);
		return run === undefined || isFinalRunStatus(run.status);
	}

	wait(runId: string, signal?: AbortSignal): Promise<void> {
		return new Promise((resolve) => {
			const set = this.#waiters.get(runId) ?? new Set<() => void>();
			this.#waiters.set(runId, set);
			const done = () => {
				clearTimeout(timer);
				set.delete(done);
				if (set.size === 0 && this.#waiters.get(runId) === set)
					this.#waiters.delete(runId);
				// the caller waits again with the same signal (every second at most): one listener at a time
				signal?.removeEventListener("abort", done);
				resolve();
			};
			// a missed notification costs at most this long; the poll keeps no process alive: a join or a
			// cancel's wait whose client the stopping server cut off polled the closed records for ever, and
			// `weft serve` never exited after SIGTERM
			const timer = setTimeout(() => {
				void this.#records.getRun(runId).then((r) => {
					if (r !== undefined) this.#registry.runs.refresh(runId, r);
					done();
				}, done);
			}, 1000).unref();
			set.add(done);
			signal?.addEventListener("abort", done, { once: true });
		});
	}

	get closing(): boolean {
		return this.#closing;
	}

	activeRun(threadId: string): RunRecord | undefined {
		return this.#registry.activeRun(threadId);
	}

	async start(
		_graph: AnyGraph,
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		body: RunCreateBody,
		onStopped?: (runs: RunRecord[]) => Promise<void>,
	): Promise<RunRecord> {
		if (this.#closing) throw shuttingDown();
		const mode = admitModeOf(body.multitask_strategy);
		// this process's own runs first, in the same turn as recording the new one; with interrupt or
		// rollback, a run of the thread recorded since the route stopped the ones it knew of (another
		// request's, admitted a moment before) is stopped by the admission below, not a refusal
		const active = this.activeRun(init.threadId);
		if (active !== undefined && mode === "reject")
			throw threadBusy(
				init.threadId,
				`run ${active.runId} is ${active.status}`,
			);
		// a run asked with after_seconds: its job is taken not before its time (decision 0216)
		const startAt = startTimeOf(body.after_seconds);
		const run = this.#registry.addRun(init, true, startAt);
		const { runId } = run;
		// the run's row, request and job in one commit; the thread's record (its graph) is written beside it
		const queued = Promise.all([
			this.#registry.flush(),
			queueNewRun(this.#pool, run, body, this.#records.origin, mode),
		]);
		// kept while the run is being recorded (a join or cancel waits for it), dropped once it is
		const recorded = queued.then(
			() => {},
			() => {},
		);
		this.#queued.set(runId, recorded);
		void recorded.then(() => {
			if (this.#queued.get(runId) === recorded) this.#queued.delete(runId);
		});
		let stopped: RunRecord[] | undefined;
		try {
			[, stopped] = await queued;
		} catch (error) {
			this.#forget(runId);
			throw error;
		}
		// another API process recorded a run of this thread first (its notification may not be here yet)
		if (stopped === undefined) {
			this.#forget(runId);
			throw threadBusy(
				init.threadId,
				"another run of it is pending or running (recorded by another API process)",
			);
		}
		// the runs the admission stopped, as it left them (their notifications may not be here yet)
		for (const r of stopped) this.#registry.runs.refresh(r.runId, r);
		if (stopped.length > 0) await onStopped?.(stopped);
		return this.#registry.runs.get(runId) ?? run;
	}

	/** Drops a run that was never recorded from this process's cache (it is in no database). */
	#forget(runId: string): void {
		this.#queued.delete(runId);
		this.#registry.runs.refresh(runId, undefined);
	}

	events(runId: string): RunEventLog | undefined {
		return new PgRunEvents(this.#pool, runId, this);
	}

	async join(
		runId: string,
		signal?: AbortSignal,
	): Promise<Record<string, unknown>> {
		await this.#queued.get(runId);
		this.#joining.set(runId, (this.#joining.get(runId) ?? 0) + 1);
		try {
			// a caller that left is waited for no longer: no waiter, no poll of its run stays behind
			while (!this.ended(runId) && signal?.aborted !== true)
				await this.wait(runId, signal);
		} finally {
			const n = this.#joining.get(runId)! - 1;
			if (n > 0) this.#joining.set(runId, n);
			else this.#joining.delete(runId);
		}
		// read with the final record when a notification brought it (kept for the joins of that moment)
		const output = this.#outputs.get(runId);
		if (!this.#joining.has(runId)) this.#outputs.delete(runId);
		if (signal?.aborted) return {};
		const answer =
			output !== undefined
				? output
				: (await this.#records.getRunWithOutput(runId)).output;
		if (answer !== null && answer !== undefined)
			return answer as Record<string, unknown>;
		// no output of its own (cancelled before it ran, or while its worker was lost): the thread's values,
		// as a run cancelled while running answers
		const run = this.#registry.runs.get(runId);
		return run === undefined ? {} : this.#stateOf(run);
	}

	async cancel(run: RunRecord, wait: boolean): Promise<void> {
		await this.#queued.get(run.runId)?.catch(() => {});
		const { rows } = await this.#pool.query(
			`WITH old AS (SELECT status FROM weft_server.runs WHERE run_id = $1 FOR UPDATE)
			UPDATE weft_server.runs SET cancel_requested = true,
				status = CASE WHEN runs.status = 'pending' THEN 'cancelled' ELSE runs.status END,
				body = CASE WHEN runs.status = 'pending'
					THEN ${bodyWithStatus("'cancelled'", "$2")} ELSE body END
			FROM old WHERE run_id = $1 RETURNING old.status AS was`,
			[run.runId, new Date().toISOString()],
		);
		// a queued run cancelled before it ran: the run enqueued behind it on its thread, whose job gave up
		// while this one was ahead of it, is queued again (as a worker does when a run ends)
		if ((rows[0] as { was?: string } | undefined)?.was === "pending")
			await queueNextOfThread(this.#pool, run.threadId);
		this.#registry.runs.refresh(
			run.runId,
			await this.#records.getRun(run.runId),
		);
		await notify(this.#pool, run.runId, CANCEL_CHANNEL);
		await notify(this.#pool, `run:${run.runId}`);
		if (wait) while (!this.ended(run.runId)) await this.wait(run.runId);
	}

	/** How many runs this process is recording, and how many it has waiters for (both drop to 0 when idle). */
	tracked(): { recording: number; waitedOn: number } {
		return { recording: this.#queued.size, waitedOn: this.#waiters.size };
	}

	/** Runs pending or running belong to the workers: nothing to end here. */
	orphaned(): void {}

	/** Takes no new run; the runs queued so far are written; the workers own what is in flight. */
	async close(_graceMs?: number): Promise<void> {
		this.#closing = true;
		await Promise.allSettled(this.#queued.values());
		await this.#listener.close();
		await Promise.all(this.#refreshing);
		await this.#utils.release();
	}
}
