// A node's interrupt is answered by whoever asked it: the node itself, or the subgraph run it hosted. A
// node that changed kind between pause and resume cannot take the answer meant for the other (decision 0130).
import { WeftError } from "@weft/checkpoint";
import type { RecordedInterrupt, TaskMemory } from "./interrupts.ts";

/** Where the paused task is: its thread, the checkpoint its step started from, its graph's namespace. */
export interface PausedAt {
	threadId: string | undefined;
	checkpointId: string | undefined;
	ns: string;
}

const place = (node: string, at: PausedAt) =>
	`checkpoint "${at.checkpointId ?? "-"}" of thread "${at.threadId ?? "-"}": node "${node}"${at.ns === "" ? "" : ` of the subgraph at "${at.ns}"`}`;

const goOn = (node: string) =>
	`or go on with updateState(config, values, { asNode: "${node}" }), or fork from an earlier checkpoint`;

/** The node asked an interrupt of its own where the pending one was asked by a subgraph run of its task. */
export function askedBySubgraph(
	node: string,
	asked: { id: string; subgraph: string },
	at: PausedAt,
): WeftError {
	return new WeftError(
		"GRAPH_CHANGED",
		`${place(node, at)} has an interrupt ("${asked.id}") pending that the subgraph at "${asked.subgraph}" asked, but the node is no longer that subgraph: its own interrupt() cannot take that answer`,
		{
			hint: `resume on a graph where "${node}" runs the subgraph again (addNode("${node}", subgraph), or subgraph.invokeAsSubgraph(ctx, input) from the node), ${goOn(node)}; the thread is still paused`,
		},
	);
}

/** The node's task now runs a subgraph, where the interrupt pending was asked by the node itself. */
export function askedByNode(
	node: string,
	asked: RecordedInterrupt,
	at: PausedAt,
): WeftError {
	return new WeftError(
		"GRAPH_CHANGED",
		`${place(node, at)} has an interrupt ("${asked.id}") pending that was asked by the node itself, but the node now runs a subgraph, which cannot take that answer`,
		{
			hint: `resume on a graph where "${node}" is the function that asked, ${goOn(node)}; the thread is still paused`,
		},
	);
}

/**
 * An interrupt the task's node asked itself (not a subgraph run of it, not a pause around the node), if
 * one was recorded. Interrupts a subgraph asked are marked since decision 0130; older unmarked records
 * count as the node's own.
 */
export function ownInterrupt(
	memory: TaskMemory,
): RecordedInterrupt | undefined {
	if (memory.interruptCount === 0) return undefined;
	for (const i of memory.interrupts.values())
		if (i.when === undefined && i.subgraph === undefined) return i;
	return undefined;
}

/**
 * A question a subgraph run of the task asked that nothing answered, though the task finished: its node
 * no longer runs that subgraph (it would have taken or asked it again), so its answer would be dropped.
 */
export function droppedQuestion(
	memory: TaskMemory,
): (RecordedInterrupt & { subgraph: string }) | undefined {
	if (memory.interruptCount === 0) return undefined;
	for (const [index, i] of memory.interrupts)
		if (i.subgraph !== undefined && !memory.resumed(index))
			return { ...i, subgraph: i.subgraph };
	return undefined;
}

/** Marks the questions the child run at `ns` asked as answered in the task's memory (the child finished). */
export function settleChildQuestions(memory: TaskMemory, ns: string): void {
	if (memory.interruptCount === 0) return;
	for (const [index, i] of memory.interrupts)
		if (i.subgraph === ns && !memory.resumed(index))
			memory.resumes.set(index, null);
}
