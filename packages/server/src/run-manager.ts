import { WeftError } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { RunEventLog } from "./run-events.ts";
import { executeRun } from "./run-exec.ts";
import {
	isFinalRunStatus,
	nextRunStatus,
	type RunLifecycleEvent,
} from "./run-lifecycle.ts";
import type { RunCreateBody } from "./schemas.ts";
import type { RunRecord, ThreadRegistry } from "./thread-registry.ts";
import { toWire } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

/** A run being executed in this process. */
interface LiveRun {
	log: RunEventLog;
	controller: AbortController;
	done: Promise<void>;
	/** The final values (with `__interrupt__` / `__error__` as LangGraph reports them). */
	output: Record<string, unknown>;
}

/** What the routes ask of whoever executes runs (this process, or workers behind a queue). */
export interface RunExecutor {
	activeRun(threadId: string): RunRecord | undefined;
	start(
		graph: AnyGraph,
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		body: RunCreateBody,
	): RunRecord;
	events(runId: string): RunEventLog | undefined;
	join(runId: string): Promise<Record<string, unknown>>;
	cancel(run: RunRecord, wait: boolean): Promise<void>;
	orphaned(): void;
	close(): Promise<void>;
}

/** Executes runs in process, on the server's checkpointer, and keeps their event logs. */
export class RunManager implements RunExecutor {
	readonly #registry: ThreadRegistry;
	readonly #live = new Map<string, LiveRun>();
	readonly #tails = new Map<string, Promise<void>>();

	readonly #stateOf:
		| ((run: RunRecord) => Promise<Record<string, unknown>>)
		| undefined;

	/** `stateOf` answers `join` for a run of an earlier process: its thread's values now. */
	constructor(
		registry: ThreadRegistry,
		stateOf?: (run: RunRecord) => Promise<Record<string, unknown>>,
	) {
		this.#registry = registry;
		this.#stateOf = stateOf;
	}

	/** Whether a run of this thread is pending or running in this process. */
	activeRun(threadId: string): RunRecord | undefined {
		return this.#registry.activeRun(threadId);
	}

	/** Starts a run; it goes on whether or not anyone reads its events. */
	start(
		graph: AnyGraph,
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		body: RunCreateBody,
	): RunRecord {
		const run = this.#registry.addRun(init);
		const live: LiveRun = {
			log: new RunEventLog(),
			controller: new AbortController(),
			done: Promise.resolve(),
			output: {},
		};
		this.#live.set(run.runId, live);
		// a run enqueued behind the thread's active one starts when that one has ended
		const before = this.#tails.get(run.threadId) ?? Promise.resolve();
		live.done = before.then(() => this.#execute(graph, run, live, body));
		const tail = live.done.catch(() => {});
		this.#tails.set(run.threadId, tail);
		void tail.then(() => {
			if (this.#tails.get(run.threadId) === tail)
				this.#tails.delete(run.threadId);
		});
		return run;
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
		if (isFinalRunStatus(run.status)) {
			// cancelled (or rolled back) while it waited for its turn
			live.log.close();
			return;
		}
		this.#move(run, "START");
		try {
			const { output, outcome } = await executeRun(graph, run, body, {
				signal: live.controller.signal,
				push: (event, data) => live.log.push(event, data),
			});
			live.output = output;
			this.#move(run, outcome);
		} finally {
			// a stream always ends with `end` or throws; a run still "running" here would never end
			if (run.status === "running") this.#move(run, "FAIL");
			live.log.close();
		}
	}

	/** The event log of a run of this process. */
	events(runId: string): RunEventLog | undefined {
		return this.#live.get(runId)?.log;
	}

	/** Waits for the run to end; returns its final values as LangGraph does. */
	async join(runId: string): Promise<Record<string, unknown>> {
		const live = this.#live.get(runId);
		if (live === undefined) {
			const run = this.#registry.runs.get(runId);
			if (run === undefined || this.#stateOf === undefined) return {};
			return toWire(await this.#stateOf(run)) as Record<string, unknown>;
		}
		await live.done;
		return toWire(live.output) as Record<string, unknown>;
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
		for (const run of this.#registry.runs.values())
			if (!this.#live.has(run.runId))
				this.#move(run, run.status === "running" ? "FAIL" : "CANCEL");
	}

	/** Cancels every run and waits for them (graceful shutdown). */
	async close(): Promise<void> {
		for (const live of this.#live.values()) live.controller.abort();
		await Promise.all([...this.#live.values()].map((l) => l.done));
	}
}

export { graphNodes } from "./run-exec.ts";
