import type { PendingWrite, TaskSpec } from "@weft/checkpoint";
import { isWeftError, NodeError } from "@weft/checkpoint";
import { errorRecords } from "./step-records.ts";

/** The node whose routing threw an error of a step's commit (a router's own, a target that is no node). */
const routedFrom = new WeakMap<object, string>();

/** Marks `error` as thrown routing from `node` (for `commitFailureRecords`); returns it. Cold path. */
export function blame<E>(error: E, node: string): E {
	if (typeof error === "object" && error !== null) routedFrom.set(error, node);
	return error;
}

/**
 * The records of a step whose tasks all finished but whose commit failed before its checkpoint was written
 * (a reducer threw or returned what its key's schema refuses, a router threw or named no node): the error,
 * on each task of the node it names, as a failed task's is, so the thread says why it failed where the
 * step is due. None for an error no node is to blame for (a store's).
 */
export function commitFailureRecords(
	error: unknown,
	tasks: readonly Pick<TaskSpec, "id" | "node">[],
): PendingWrite[] {
	if (!isWeftError(error)) return [];
	const node =
		error instanceof NodeError ? error.node : routedFrom.get(error as object);
	if (node === undefined) return [];
	return errorRecords(
		tasks.filter((t) => t.node === node),
		error,
	);
}
