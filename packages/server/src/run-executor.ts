import { WeftError } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import type { RunEventLog } from "./run-events.ts";
import type { RunCreateBody } from "./schemas.ts";
import type { RunRecord } from "./thread-registry.ts";

type AnyGraph = CompiledGraph<any, any>;

/** What the routes ask of whoever executes runs (this process, or workers behind a queue). */
export interface RunExecutor {
	activeRun(threadId: string): RunRecord | undefined;
	/**
	 * Records and starts (or queues) a run. With `reject` (the default), refuses it (`THREAD_BUSY`) when a
	 * run of the thread is pending or running where the executor can tell: its records, or the shared
	 * database. With `interrupt` or `rollback`, stops those instead, in the same turn or statement as it
	 * records the new run (the route stopped the ones it knew of; these were admitted a moment before by
	 * another request), and gives them to `onStopped` before it returns (decision 0215).
	 */
	start(
		graph: AnyGraph,
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		body: RunCreateBody,
		onStopped?: (runs: RunRecord[]) => Promise<void>,
	): Promise<RunRecord>;
	events(runId: string): RunEventLog | undefined;
	/**
	 * The run's output once it has ended. With `signal` (its caller left), it stops waiting when that
	 * aborts and answers `{}`, which nobody reads.
	 */
	join(runId: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
	cancel(run: RunRecord, wait: boolean): Promise<void>;
	orphaned(): void;
	/**
	 * Resolves once every record change other processes committed before the call is in this process's
	 * cache: a read then sees what another API process answered before this request came.
	 */
	caughtUp(): Promise<void>;
	/**
	 * Stops taking runs (`SHUTTING_DOWN`); lets the ones in flight finish within the grace period (or
	 * `graceMs`: 0 stops them now).
	 */
	close(graceMs?: number): Promise<void>;
	/** True once `close()` was called: every new run is refused `SHUTTING_DOWN`. */
	readonly closing: boolean;
}

/** The typed refusal of a run while the process stops. */
export const shuttingDown = () =>
	new WeftError("SHUTTING_DOWN", "the server is shutting down: no new run", {
		hint: "retry against another API process, or after the restart",
	});

/** The typed refusal of a run on a thread that has one pending or running (`multitask_strategy: "reject"`). */
export const threadBusy = (
	threadId: string,
	holder: string,
	hint = "wait for the run to end (runs.join), or cancel it",
) =>
	new WeftError("THREAD_BUSY", `thread "${threadId}" is busy: ${holder}`, {
		hint,
	});
