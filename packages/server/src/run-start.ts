// What a run sends of the checkpoints it goes on from: the state a resumed run starts with (decision
// 0134), and, for a worker's next attempt of a run, the events of the steps the dead attempt committed and
// how its graph ended.
import { type TaskSpec, threadLeaseOf } from "@weft/checkpoint";
import {
	type CompiledGraph,
	type StateSnapshot,
	updatesByTask,
} from "@weft/graph";
import type { RunRequest } from "./rollback.ts";
import type { StreamModeName } from "./schemas.ts";
import type { RunRecord } from "./thread-registry.ts";
import type { PendingLike } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

/**
 * Whether the run goes on from a checkpoint as it is: a `Command` without `update`, or no input. Such a
 * run's stream starts with the state it goes on from, as LangGraph's (its loop sends it when resuming).
 */
export function goesOn(body: RunRequest): boolean {
	return body.command != null
		? body.command.update == null
		: body.input === undefined || body.input === null;
}

/**
 * The values at the checkpoint a run goes on from (the thread's newest by default); none without one, nor
 * for `null` (a rollback of the thread's first run starts from the empty state).
 */
export async function startState(
	graph: AnyGraph,
	threadId: string,
	checkpointId: string | null | undefined,
): Promise<Record<string, unknown> | undefined> {
	if (checkpointId === null) return undefined;
	const at = await graph
		.getState({ threadId, checkpointId })
		.catch(() => undefined);
	return at?.checkpointId ? (at.values as Record<string, unknown>) : undefined;
}

/**
 * The `updates` and `values` events of the steps the run committed so far (its checkpoints: those that
 * record its id, on the chain of the thread's newest one), oldest first, as `executeRun` sent them: per
 * checkpoint, its state, then for a step one update per task (in task order, Send tasks one each) with
 * what the task wrote.
 */
export async function committedEvents(
	graph: AnyGraph,
	run: RunRecord,
	requested: ReadonlySet<StreamModeName>,
	wentOn: boolean,
): Promise<Array<["updates" | "values", unknown]>> {
	const mine: StateSnapshot[] = []; // newest first
	let before: TaskSpec[] = []; // the tasks due at the checkpoint the run went on from
	let start: StateSnapshot | undefined; // that checkpoint
	let next: string | null | undefined;
	for await (const s of graph.getStateHistory({ threadId: run.threadId })) {
		if (next !== undefined && s.checkpointId !== next) continue; // another branch
		if (s.metadata.run_id !== run.runId) {
			before = s.tasks;
			start = s;
			break;
		}
		mine.push(s);
		next = s.parentCheckpointId;
		if (next === null) break;
	}
	const events: Array<["updates" | "values", unknown]> = [];
	// a run that went on from a checkpoint sent its state first
	if (wentOn && start !== undefined && requested.has("values"))
		events.push(["values", start.values]);
	for (let i = mine.length - 1; i >= 0; i--) {
		const c = mine[i]!;
		// as the run streamed them: a step's updates, then its state
		if (c.source === "loop" && requested.has("updates")) {
			// the stored writes (a subgraph node's: one object per inner step)
			const tuple = await graph.checkpointer?.getTuple({
				threadId: run.threadId,
				checkpointId: c.checkpointId,
			});
			const updates = updatesByTask(tuple?.checkpoint.data.writes ?? []);
			for (const task of mine[i + 1]?.tasks ?? before)
				for (const data of updates[task.id] ?? [{}])
					events.push(["updates", { [task.node]: data }]);
		}
		if (requested.has("values")) events.push(["values", c.values]);
	}
	return events;
}

/**
 * How the run's graph ended, when a dead attempt of it ran it to a pause or to its end (the thread's
 * recorded status says so and its newest checkpoint is the run's); undefined when it had not.
 */
export async function endedRun(
	graph: AnyGraph,
	run: RunRecord,
): Promise<
	| {
			values: Record<string, unknown>;
			interrupts: readonly PendingLike[];
			paused: boolean;
	  }
	| undefined
> {
	const status =
		graph.checkpointer === undefined
			? undefined
			: (await threadLeaseOf(graph.checkpointer, run.threadId))?.status;
	if (status !== "interrupted" && status !== "done") return undefined;
	const state = await graph.getState({ threadId: run.threadId });
	if (state.metadata.run_id !== run.runId) return undefined;
	return {
		values: state.values as Record<string, unknown>,
		interrupts: state.interrupts,
		paused: status === "interrupted",
	};
}
