import type { RunConfig } from "./events.ts";
import { AFTER_TASK, type TaskMemory } from "./interrupts.ts";
import { newestKeeper } from "./keep-shape.ts";
import type { GraphRuntime } from "./runtime.ts";

/** A pause to record: the task (or `AFTER_TASK`) and its node. */
export type PauseItem = readonly [string, string];

const NONE: readonly PauseItem[] = [];

const keepPausePoints = newestKeeper(); // keep-shape.ts, decision 0196

/** Where a run pauses around nodes: the graph's `interruptBefore/After` and the run's own. */
export class PausePoints {
	readonly #before: ReadonlySet<string>;
	readonly #after: ReadonlySet<string>;

	constructor(rt: GraphRuntime, config: RunConfig) {
		keepPausePoints(this);
		this.#before = union(rt.interruptBefore, config.interruptBefore);
		this.#after = union(rt.interruptAfter, config.interruptAfter);
	}

	/**
	 * The tasks of the next step to pause before (none when the run resumes past such a pause). A task that
	 * started already (it asked a question, which this run may answer, or it finished) is not paused before:
	 * it is under way, and a pause before it would leave its question unanswered beside the pause.
	 */
	before(
		tasks: ReadonlyArray<{ id: string; node: string }>,
		resuming: boolean,
		memory: ReadonlyMap<string, TaskMemory>,
	): readonly PauseItem[] {
		if (resuming || this.#before.size === 0) return NONE;
		return tasks
			.filter((t) => this.#before.has(t.node) && !started(memory.get(t.id)))
			.map((t) => [t.id, t.node] as const);
	}

	/** The nodes of a committed step to pause after (none when the run has nothing left to do). */
	after(
		ran: ReadonlyArray<{ task: { node: string } }>,
		more: boolean,
	): readonly PauseItem[] {
		if (!more || this.#after.size === 0) return NONE;
		return [...new Set(ran.map((o) => o.task.node))]
			.filter((n) => this.#after.has(n))
			.map((n) => [AFTER_TASK, n] as const);
	}
}

/** Whether a task's records show it under way: finished, or asked a question of its own. */
function started(m: TaskMemory | undefined): boolean {
	if (m === undefined) return false;
	if (m.done !== undefined) return true;
	for (const i of m.interrupts.values()) if (i.when === undefined) return true;
	return false;
}

function union(
	base: ReadonlySet<string>,
	extra: readonly string[] | undefined,
): ReadonlySet<string> {
	return extra === undefined ? base : new Set([...base, ...extra]);
}
