import type { CheckpointTuple } from "@weft/checkpoint";
import type { Interrupt } from "../runtime/interrupts.ts";

/**
 * The questions waiting at the checkpoint a run starts from (their ids). They were counted in
 * `weft.interrupts` by the run that asked them: a run that pauses at one again (it went on without
 * answering it, or answered another) asks nothing new. An interrupt's id is made from its checkpoint,
 * task and place in the node, so a question asked again at a later checkpoint (the next `interrupt()` of
 * a node, a fork's run) has another id and counts.
 */
export function askedAt(tuple: CheckpointTuple): ReadonlySet<string> {
	const ids = new Set<string>();
	for (const w of tuple.pendingWrites)
		if (w.kind === "interrupt") ids.add(w.id);
	return ids;
}

/** How many of the questions a run paused at it asked itself (none of `before`, see `askedAt`). */
export function newlyAsked(
	interrupts: readonly Interrupt[],
	before: ReadonlySet<string> | undefined,
): number {
	if (before === undefined || before.size === 0) return interrupts.length;
	let n = 0;
	for (const i of interrupts) if (!before.has(i.id)) n++;
	return n;
}
