import {
	type Checkpointer,
	type PendingWrite,
	parentCycle,
} from "@weft/checkpoint";
import type { TaskMemory } from "./interrupts.ts";
import {
	emptyUsage,
	type RunUsage,
	sumUsage,
	usageOfRecords,
} from "./usage.ts";

/** Where the subgraph runs of one parent task keep their checkpoints. */
export interface ChildPlace {
	cp: Checkpointer;
	threadId: string;
	ns: string;
	parentTask: string;
}

/**
 * What the subgraph runs of a task spent in checkpoints whose usage no record of the parent's step holds
 * (decision 0211): a runner that died during the parent's step took the subgraph's usage with it, not the
 * subgraph's checkpoints. Sums the usage of the subgraph's steps from `from` (where it goes on) back to
 * the newest checkpoint whose usage the parent holds: the one its `usage` records name for the task, one
 * it paused at (its interrupt records name it), or one it failed at (its failure was reported). Undefined
 * when nothing is owed.
 */
export async function unreportedUsage(
	place: ChildPlace,
	from: string,
	memory: TaskMemory,
): Promise<RunUsage | undefined> {
	const told = toldCheckpoints(memory, place.ns);
	if (told.ids.has(from)) return undefined; // a resume from a pause: nothing to read
	const { cp, threadId, ns } = place;
	let total: RunUsage | undefined;
	const seen = new Set<string>();
	let id: string | null = from;
	while (id !== null) {
		if (seen.has(id)) throw parentCycle({ threadId, ns, checkpointId: id });
		seen.add(id);
		const tuple = await cp.getTuple({ threadId, ns, checkpointId: id });
		// another task's run (the checkpoint a branch's copy was made from) is counted where it ran
		if (
			tuple === undefined ||
			tuple.checkpoint.metadata.parentTask !== place.parentTask
		)
			break;
		if (told.ids.has(id) || toldBy(tuple.pendingWrites, told.legacy)) break;
		// what a run spent on the unfinished step it left here (the step after it keeps none of it)
		const records =
			id === from ? usageOfRecords(tuple.pendingWrites) : undefined;
		if (records !== undefined) total = records;
		const step = tuple.checkpoint.metadata.usage;
		if (step !== undefined && step !== null && typeof step === "object")
			total = sumUsage(total ?? emptyUsage(), step as unknown as RunUsage);
		id = tuple.checkpoint.parentId;
	}
	return total !== undefined && total.calls > 0 ? total : undefined;
}

/**
 * The subgraph checkpoints (at `ns`) whose usage the task's parent holds: named by its `usage` records, or
 * where the subgraph paused; `legacy` when a pause was recorded before 0149, without its checkpoint.
 */
function toldCheckpoints(
	memory: TaskMemory,
	ns: string,
): { ids: Set<string>; legacy: boolean } {
	const ids = new Set<string>();
	let legacy = false;
	if (memory.subgraphUsage !== undefined) ids.add(memory.subgraphUsage);
	if (memory.interruptCount > 0)
		for (const i of memory.interrupts.values()) {
			if (i.subgraph !== ns) continue;
			if (i.subgraphCheckpoint === undefined) legacy = true;
			else ids.add(i.subgraphCheckpoint);
		}
	return { ids, legacy };
}

/**
 * Whether a subgraph checkpoint's records say its parent was told of the run that left them: it failed
 * there (its usage went up with the failure: 0071), or paused there before 0149 named such checkpoints.
 */
function toldBy(records: readonly PendingWrite[], legacy: boolean): boolean {
	for (const w of records)
		if (w.kind === "error" || (legacy && w.kind === "interrupt")) return true;
	return false;
}
