import { WeftError } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { sleepUntil, startTimeOf } from "./run-delay.ts";
import {
	DEFAULT_EVENTS_TTL_MS,
	DEFAULT_MAX_ENDED_RUNS,
	type EventRetention,
	RunEventLog,
} from "./run-events.ts";
import { executeRun, RunStop, stoppedOutcome } from "./run-exec.ts";
import { type RunExecutor, shuttingDown, threadBusy } from "./run-executor.ts";
import {
	isFinalRunStatus,
	nextRunStatus,
	type RunLifecycleEvent,
} from "./run-lifecycle.ts";
import type { RunCreateBody } from "./schemas.ts";
import { settledWithin } from "./settled-within.ts";
import type { RunRecord, ThreadRegistry } from "./thread-registry.ts";
import { webhookOnEnd } from "./webhook.ts";
import { toWire } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

/** A run being executed in this process. */
interface LiveRun {
	log: RunEventLog;
	controller: AbortController;
	done: Promise<void>;
	/**
	 * The final values (with `__interrupt__` / `__error__` as LangGraph reports them); undefined for a run
	 * that never started (cancelled while pending).
	 */
	output: Record<string, unknown> | undefined;
}

/** Options of the in-process executor. */
export interface RunManagerOptions {
	/**
	 * Answers `join` for a run without an output of its own (of an earlier process, or cancelled before it
	 * ran): its thread's values now, with its `__error__` when it failed.
	 */
	stateOf?: ((run: RunRecord) => Promise<Record<string, unknown>>) | undefined;
	/** A run still running after this long is stopped with status `timeout` (default: none). */
	runTimeoutMs?: number | undefined;
	/** How long `close()` lets runs in flight finish before cancelling them (default 10 s). */
	shutdownGraceMs?: number | undefined;
	/** How many events each run keeps, and for how long after it ends. */
	events?: EventRetention | undefined;
	/** Runs executed at once by this process; the others wait as `pending` (default: no limit). */
	maxConcurrentRuns?: number | undefined;
}

/** Executes runs in process, on the server's checkpointer, and keeps their event logs. */
export class RunManager implements RunExecutor {
	readonly #registry: ThreadRegistry;
	readonly #live = new Map<string, LiveRun>();
	readonly #tails = new Map<string, Promise<void>>();

	/** Ended runs whose events are still kept, oldest first, with the timer that drops them. */
	readonly #ended = new Map<string, NodeJS.Timeout>();
	/** Event logs of runs whose events expired (empty; ids still count, so a late `Last-Event-ID` is told). */
	readonly #expired = new Map<string, RunEventLog>();
	readonly #options: RunManagerOptions;
	#closing = false;
	#running = 0;
	/** Runs waiting for their `after_seconds` to pass (not queued on their thread yet). */
	readonly #delayed = new Set<string>();
	readonly #slotWaiters: (() => void)[] = [];

	constructor(registry: ThreadRegistry, options: RunManagerOptions = {}) {
		this.#registry = registry;
		this.#options = options;
	}

	get closing(): boolean {
		return this.#closing;
	}

	/** Whether a run of this thread is pending or running in this process. */
	activeRun(threadId: string): RunRecord | undefined {
		return this.#registry.activeRun(threadId);
	}

	/** Starts a run; it goes on whether or not anyone reads its events. */
	async start(
		graph: AnyGraph,
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		body: RunCreateBody,
		onStopped?: (runs: RunRecord[]) => Promise<void>,
	): Promise<RunRecord> {
		if (this.#closing) throw shuttingDown();
		// checked and recorded in one synchronous turn: no other request of this process slips in between
		const active = this.activeRun(init.threadId);
		const strategy = body.multitask_strategy ?? "reject";
		const stops = strategy === "interrupt" || strategy === "rollback";
		if (active !== undefined && strategy === "reject")
			throw threadBusy(
				init.threadId,
				`run ${active.runId} is ${active.status}`,
			);
		// interrupt, rollback: the runs recorded since the route stopped the ones it knew of (another
		// request's, admitted while this one waited) are stopped, not waited for: the new run starts
		// behind them on the thread's tail, as an enqueued one does
		const stopped = stops
			? this.#registry
					.runsOf(init.threadId)
					.filter((r) => r.status === "pending" || r.status === "running")
			: [];
		for (const r of stopped) void this.cancel(r, false);
		const startAt = startTimeOf(body.after_seconds);
		const run = this.#registry.addRun(init, false, startAt);
		const live: LiveRun = {
			log: new RunEventLog(this.#options.events?.maxPerRun),
			controller: new AbortController(),
			done: Promise.resolve(),
			output: undefined,
		};
		this.#live.set(run.runId, live);
		live.done =
			startAt === undefined
				? this.#queue(graph, run, live, body)
				: this.#later(graph, run, live, body, startAt.getTime());
		if (stopped.length > 0) await onStopped?.(stopped);
		return run;
	}

	/** Starts the run behind the thread's active one (or now): when that one has ended. */
	#queue(
		graph: AnyGraph,
		run: RunRecord,
		live: LiveRun,
		body: RunCreateBody,
	): Promise<void> {
		const before = this.#tails.get(run.threadId) ?? Promise.resolve();
		const done = before.then(() => this.#execute(graph, run, live, body));
		const tail = done.catch(() => {});
		this.#tails.set(run.threadId, tail);
		void tail.then(() => {
			if (this.#tails.get(run.threadId) === tail)
				this.#tails.delete(run.threadId);
		});
		return done;
	}

	/**
	 * A run asked with `after_seconds` (decision 0216): `pending` until its time, then queued on its thread
	 * as a run created then would be (behind the thread's active one, if any). Cancelled meanwhile, or
	 * stopped by `close()`, it ends `cancelled` without having started.
	 */
	async #later(
		graph: AnyGraph,
		run: RunRecord,
		live: LiveRun,
		body: RunCreateBody,
		startAt: number,
	): Promise<void> {
		this.#delayed.add(run.runId);
		try {
			await sleepUntil(startAt, live.controller.signal);
		} finally {
			this.#delayed.delete(run.runId);
		}
		if (!live.controller.signal.aborted)
			return this.#queue(graph, run, live, body);
		this.#move(run, "CANCEL");
		live.log.close();
		this.#expireLater(run.runId);
	}

	#move(run: RunRecord, type: RunLifecycleEvent["type"]): void {
		const next = nextRunStatus(run.status, type);
		if (next === undefined) return;
		run.status = next;
		run.updatedAt = new Date().toISOString();
	}

	async #execute(
		graph: AnyGraph,
		run: RunRecord,
		live: LiveRun,
		body: RunCreateBody,
	): Promise<void> {
		await Promise.resolve();
		await this.#slot(live.controller.signal);
		try {
			await this.#executeInSlot(graph, run, live, body);
		} finally {
			this.#running--;
			// every waiter checks again (one that was cancelled meanwhile must not swallow the wake-up)
			for (const wake of this.#slotWaiters.splice(0)) wake();
		}
	}

	/** Waits for a free slot under `maxConcurrentRuns` (or for the run to be cancelled meanwhile). */
	async #slot(signal: AbortSignal): Promise<void> {
		const max = this.#options.maxConcurrentRuns;
		while (max !== undefined && this.#running >= max && !signal.aborted)
			await new Promise<void>((resolve) => {
				this.#slotWaiters.push(resolve);
				signal.addEventListener("abort", () => resolve(), { once: true });
			});
		this.#running++;
	}

	async #executeInSlot(
		graph: AnyGraph,
		run: RunRecord,
		live: LiveRun,
		body: RunCreateBody,
	): Promise<void> {
		if (isFinalRunStatus(run.status)) {
			// cancelled (or rolled back) while it waited for its turn
			live.log.close();
			return;
		}
		this.#move(run, "START");
		const limit = this.#options.runTimeoutMs;
		const timer =
			limit === undefined
				? undefined
				: setTimeout(
						() => live.controller.abort(new RunStop("timeout", run.runId)),
						limit,
					);
		try {
			const { output, outcome } = await executeRun(graph, run, body, {
				signal: live.controller.signal,
				push: (event, data) => live.log.push(event, data),
			});
			live.output = output;
			const failed = output.__error__ as RunRecord["error"];
			if (failed !== undefined) run.error = failed;
			this.#move(run, stoppedOutcome(live.controller.signal, outcome));
		} finally {
			clearTimeout(timer);
			// a stream always ends with `end` or throws; a run still "running" here would never end
			if (run.status === "running") this.#move(run, "FAIL");
			live.log.close();
			this.#expireLater(run.runId);
			webhookOnEnd(body.webhook, run, live.output ?? {});
		}
	}

	/**
	 * Drops the run's events (and what it kept in memory) `events.ttlMs` after it ended, or sooner when more
	 * than `events.maxEndedRuns` ended runs keep theirs (the oldest go first).
	 */
	#expireLater(runId: string): void {
		const { ttlMs, maxEndedRuns } = this.#options.events ?? {};
		const timer = setTimeout(
			() => this.#expire(runId),
			ttlMs ?? DEFAULT_EVENTS_TTL_MS,
		).unref();
		this.#ended.set(runId, timer);
		const max = maxEndedRuns ?? DEFAULT_MAX_ENDED_RUNS;
		for (const oldest of this.#ended.keys()) {
			if (this.#ended.size <= max) break;
			this.#expire(oldest);
		}
	}

	#expire(runId: string): void {
		clearTimeout(this.#ended.get(runId));
		this.#ended.delete(runId);
		const live = this.#live.get(runId);
		if (live === undefined) return;
		this.#live.delete(runId);
		live.log.expire();
		this.#expired.set(runId, live.log);
	}

	/** The event log of a run of this process. */
	events(runId: string): RunEventLog | undefined {
		return this.#live.get(runId)?.log ?? this.#expired.get(runId);
	}

	/** Waits for the run to end; returns its final values as LangGraph does. */
	async join(
		runId: string,
		signal?: AbortSignal,
	): Promise<Record<string, unknown>> {
		const live = this.#live.get(runId);
		if (live !== undefined) {
			if (signal === undefined) await live.done;
			else {
				const left = new AbortController();
				await Promise.race([live.done, abortedOf(signal, left.signal)]);
				left.abort(); // the listener on the caller's signal goes with it
				if (signal.aborted) return {};
			}
			if (live.output !== undefined)
				return toWire(live.output) as Record<string, unknown>;
		}
		// a run of an earlier process, or one cancelled before it started: the thread's values now
		const run = this.#registry.runs.get(runId);
		const stateOf = this.#options.stateOf;
		if (run === undefined || stateOf === undefined) return {};
		return stateOf(run);
	}

	/** Cancels a run: its nodes see `ctx.signal` aborted; the last checkpoint stays valid. */
	async cancel(run: RunRecord, wait: boolean): Promise<void> {
		const live = this.#live.get(run.runId);
		if (run.status === "pending") this.#move(run, "CANCEL");
		live?.controller.abort(
			new WeftError("RUN_CANCELLED", `run ${run.runId} was cancelled`),
		);
		if (wait) await live?.done;
	}

	/**
	 * Runs recorded as pending or running by a process that is gone (after a restart): none of them is
	 * executing any more, so they end (`error` if started, else `cancelled`); their last checkpoint stays.
	 */
	orphaned(): void {
		for (const run of this.#registry.runs.values()) {
			if (this.#live.has(run.runId)) continue;
			const wasRunning = run.status === "running";
			this.#move(run, wasRunning ? "FAIL" : "CANCEL");
			// what its join and stream report, as for a run that failed while this process watched
			if (wasRunning && run.status === "error" && run.error === undefined)
				run.error = {
					error: "NODE_FAILED",
					message: `run ${run.runId}: the server process running it stopped (killed or crashed) before it ended; its thread goes on from its last checkpoint with a new run`,
				};
		}
	}

	/** This process's records are the only ones: nothing to catch up with. */
	async caughtUp(): Promise<void> {}

	/**
	 * Graceful shutdown: takes no new run, lets the runs in flight finish within `shutdownGraceMs`, then
	 * cancels the others (their last checkpoint stays) and waits for them.
	 */
	async close(graceMs?: number): Promise<void> {
		this.#closing = true;
		// a run still waiting for its time is not waited for: it ends cancelled now, never started (as
		// `orphaned()` would end it after a restart: no process keeps it)
		for (const runId of this.#delayed)
			this.#live.get(runId)?.controller.abort(new RunStop("shutdown", runId));
		// settled, not fulfilled: one run whose promise rejects neither ends the grace of the others early
		// nor leaves them running
		const dones = [...this.#live.values()].map((l) => l.done);
		await settledWithin(
			dones,
			graceMs ?? this.#options.shutdownGraceMs ?? 10_000,
		);
		for (const [runId, live] of this.#live)
			live.controller.abort(new RunStop("shutdown", runId));
		await Promise.allSettled(dones);
	}
}

/** Resolves when `signal` aborts (at once if it has); `until` removes its listener. */
function abortedOf(signal: AbortSignal, until: AbortSignal): Promise<void> {
	return signal.aborted
		? Promise.resolve()
		: new Promise((resolve) =>
				signal.addEventListener("abort", () => resolve(), {
					once: true,
					signal: until,
				}),
			);
}
