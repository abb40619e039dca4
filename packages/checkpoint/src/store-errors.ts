import { CheckpointError, ConfigError, isWeftError } from "./errors.ts";
import type { Lease } from "./record.ts";

// Errors every store raises the same way (besides checkpointNotFound / checkpointConflict in errors.ts).

/** Who holds a thread's lease, and until when: what a store's `THREAD_BUSY` carries as `holder`. */
export type LeaseHolder = Pick<Lease, "owner" | "expiresAt">;

/** Another runner holds an unexpired lease on the thread; the error carries that `holder`. */
export function threadBusy(
	threadId: string,
	holder: LeaseHolder,
): CheckpointError & { readonly holder: LeaseHolder } {
	const error = new CheckpointError(
		"THREAD_BUSY",
		`thread "${threadId}" is held by "${holder.owner}" until ${holder.expiresAt} (its lease: a run in progress, or one that ended without giving the lease back)`,
		{
			hint: "wait for that run to finish (or pass { waitForLease: ms }); a lease not given back lapses at that time, and a thread whose runner died then reads as stale",
		},
	);
	return Object.assign(error, {
		holder: { owner: holder.owner, expiresAt: holder.expiresAt },
	});
}

/** The lease holder a store's `THREAD_BUSY` names (undefined for any other error). */
export function busyHolder(error: unknown): LeaseHolder | undefined {
	return isWeftError(error, "THREAD_BUSY")
		? (error as { holder?: LeaseHolder }).holder
		: undefined;
}

/** A lease token (fence) is not the thread's current one: its lease was taken over or released. */
export function leaseLost(
	threadId: string,
	token: number,
	current: number | null,
): CheckpointError {
	const now =
		current === null
			? "no runner holds its lease now"
			: `the current lease token is ${current}`;
	return new CheckpointError(
		"LEASE_LOST",
		`the lease with token ${token} on thread "${threadId}" is no longer current (${now}): the store refused the write`,
		{
			hint:
				current === null
					? "the lease was given up or the thread deleted meanwhile (by another process, or a cancel); read the thread (getThread) and decide whether to run again"
					: "another runner took the thread over after this lease expired; read the thread's state and decide whether to run again",
		},
	);
}

/** Where a `CORRUPT_CHECKPOINT` error's checkpoint is (a symbol of the registry: also across package copies). */
const PLACE = Symbol.for("weft.corrupt-checkpoint");

/** A damaged checkpoint's place. */
export interface CorruptPlace {
	threadId: string;
	ns: string;
	checkpointId: string;
}

/**
 * The checkpoint a `CORRUPT_CHECKPOINT` error names, for a reader that goes on past it (a history listed
 * again with `before` its id); undefined for any other error.
 */
export function corruptCheckpointOf(error: unknown): CorruptPlace | undefined {
	return typeof error === "object" && error !== null
		? ((error as Record<symbol, CorruptPlace | undefined>)[PLACE] ?? undefined)
		: undefined;
}

/** Stored data of a checkpoint cannot be read as a checkpoint. */
export function corruptCheckpoint(
	place: { threadId: string; ns?: string | undefined; checkpointId: string },
	problem: string,
	cause?: unknown,
): CheckpointError {
	const ns = place.ns ?? "";
	const error = new CheckpointError(
		"CORRUPT_CHECKPOINT",
		`checkpoint "${place.checkpointId}" of thread "${place.threadId}"${ns === "" ? "" : ` (namespace "${ns}")`} is corrupt: ${problem}`,
		{
			hint: `list the checkpoints before it with getStateHistory(config, { before: "${place.checkpointId}" }) and fork from one that reads (updateState with its checkpointId), or restore the store from a backup`,
			...(cause === undefined ? {} : { cause }),
		},
	);
	Object.defineProperty(error, PLACE, {
		value: { threadId: place.threadId, ns, checkpointId: place.checkpointId },
	});
	return error;
}

/**
 * A checkpoint met again while walking its parents: the stored parent ids form a cycle, which no put
 * makes (a damaged or hand-edited row). Walks along parents stop at it instead of going round for ever.
 */
export function parentCycle(place: {
	threadId: string;
	ns?: string | undefined;
	checkpointId: string;
}): CheckpointError {
	return corruptCheckpoint(
		place,
		"it is its own ancestor: the stored parent ids form a cycle",
	);
}

/** A bad option value (prune arguments, list filters, lease durations). */
export function invalidOption(message: string, hint: string): ConfigError {
	return new ConfigError("CONFIG_INVALID", message, { hint });
}
