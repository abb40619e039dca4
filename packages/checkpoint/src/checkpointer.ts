import type {
	CheckpointRecord,
	CheckpointSummary,
	CheckpointTuple,
	JsonValue,
	Lease,
	PendingWrite,
	StoredCheckpoint,
	StoredThreadStatus,
	ThreadInfo,
	ThreadLeaseState,
	ThreadStatus,
} from "./record.ts";

/** Names a thread (and a subgraph namespace within it). */
export interface ThreadRef {
	threadId: string;
	/** "" (the default) for the root graph. */
	ns?: string | undefined;
}

/** Names one checkpoint. */
export interface CheckpointRef extends ThreadRef {
	checkpointId: string;
}

/** Options of every write: the fencing check. */
export interface FenceOptions {
	/**
	 * The writer's lease token. When given, the store refuses the write with `LEASE_LOST` unless it is
	 * the thread's current lease token, checked in the write's own transaction (a runner whose lease was
	 * taken over after it expired can never commit). Writes without it (e.g. `updateState`) are not fenced.
	 */
	fence?: number | undefined;
}

export interface AcquireLeaseOptions {
	/** The runner's id, recorded with the lease. */
	owner: string;
	/** How long the lease lasts without a renewal. */
	ttlMs: number;
}

export interface PutOptions extends FenceOptions {
	/**
	 * Refuse (CHECKPOINT_CONFLICT) when the parent already has another child, or, for a record without
	 * parent, when the namespace already holds checkpoints: the optimistic check that keeps two
	 * processes from extending one thread at once.
	 */
	exclusive?: boolean | undefined;
	/**
	 * The record commits the step that was running at its parent: the pending writes recorded at the
	 * parent are spent (their results are now in this record's `writes`), and the store removes them in
	 * the same transaction, so a step's results are not kept twice.
	 */
	dropParentWrites?: boolean | undefined;
	/**
	 * Pending writes of the new checkpoint, stored with it in the same transaction: a branch's copy of the
	 * records (answers, once results, finished tasks) of the checkpoint it continues, which must never
	 * exist without them.
	 */
	pendingWrites?: readonly PendingWrite[] | undefined;
}

export interface ListOptions {
	/** At most this many, newest first. */
	limit?: number | undefined;
	/** Only checkpoints older (lower `seq`) than this checkpoint. */
	before?: string | undefined;
	/**
	 * Only checkpoints whose metadata contains these values (as jsonb `@>`): a scalar equal (same JSON
	 * type), a nested object by its keys, an array by its elements.
	 */
	filter?: Record<string, JsonValue> | undefined;
}

export interface ChainOptions {
	/** Stop walking before a checkpoint for which this returns true (the caller already has its state). */
	stopAt?: ((checkpointId: string) => boolean) | undefined;
	/**
	 * Also read each checkpoint's pending writes, in the same snapshot (`pendingWrites` on each record, as
	 * `getTuple` gives them): a history listing then decodes each checkpoint once. A store that does not
	 * support it leaves `pendingWrites` out, and the caller reads them with `getTuple`.
	 */
	withWrites?: boolean | undefined;
}

/** A record of `getChain`; `pendingWrites` when asked for with `withWrites` (see `ChainOptions`). */
export type ChainRecord = StoredCheckpoint & {
	pendingWrites?: PendingWrite[] | undefined;
};

export interface ListThreadsOptions {
	status?: ThreadStatus | undefined;
	limit?: number | undefined;
}

/**
 * What to remove. Heads of branches and checkpoints with a pending interrupt are always kept;
 * `keepLast` below 1, a non-integer, or an invalid date is refused with `CONFIG_INVALID`.
 */
export interface PruneOptions {
	/** Keep the newest N checkpoints (by `seq`) of each namespace. */
	keepLast?: number | undefined;
	/** Keep checkpoints created at or after this time. */
	keepSince?: Date | undefined;
	/**
	 * Rebuilds the full state at the last checkpoint of a chain (the graph passes one that applies its
	 * reducers). With it, a kept checkpoint whose chain reaches removed ones is given a snapshot; without
	 * it, the store keeps those older checkpoints instead.
	 */
	rebuild?:
		| ((chain: StoredCheckpoint[]) => Record<string, unknown>)
		| undefined;
}

/**
 * A checkpoint store. Every backend passes the conformance suite in `@weft/checkpoint/conformance`.
 * Stores keep records as given (data through their serializer) and never interpret state.
 */
export interface Checkpointer {
	/**
	 * Stores a checkpoint and gives it the thread's next `seq`; returns the byte size of its serialized
	 * data and that `seq`.
	 */
	put(
		record: CheckpointRecord,
		options?: PutOptions,
	): Promise<{ size: number; seq: number }>;
	/** Appends what tasks recorded at a checkpoint (kept in order). */
	putWrites(
		ref: CheckpointRef,
		writes: PendingWrite[],
		options?: FenceOptions,
	): Promise<void>;
	/** A checkpoint with its pending writes: the given one, or the newest (highest `seq`) of the namespace. */
	getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined>;
	/**
	 * The ancestors of a checkpoint, oldest first, from the nearest one holding a snapshot (or the first for
	 * which `stopAt` is true, excluded) up to and including the checkpoint itself.
	 */
	getChain(ref: CheckpointRef, options?: ChainOptions): Promise<ChainRecord[]>;
	/** Checkpoints of a namespace, newest (highest `seq`) first, without their data. */
	list(ref: ThreadRef, options?: ListOptions): AsyncIterable<CheckpointSummary>;
	/** Heads of a namespace's branches (checkpoints without a successor), newest first. */
	heads(ref: ThreadRef): Promise<CheckpointSummary[]>;
	/** Records what the thread is doing now (with `fence`: only while that lease is current). */
	setThreadStatus(
		threadId: string,
		status: StoredThreadStatus,
		options?: FenceOptions,
	): Promise<void>;
	/** One thread as `listThreads` shows it, or undefined. */
	getThread(threadId: string): Promise<ThreadInfo | undefined>;
	/**
	 * Optional: `getThread`'s `status` and `lease` alone, read from the thread's row (undefined when there
	 * is no thread). `getThread` also counts the checkpoints and finds the heads, which takes longer the
	 * longer the thread; whoever only checks who runs a thread (a server admitting a run, a sweep, a runner
	 * confirming its lease) calls `threadLeaseOf`, which uses this when the store has it.
	 */
	getThreadLease?(threadId: string): Promise<ThreadLeaseState | undefined>;
	/** Threads, most recently updated first. */
	listThreads(options?: ListThreadsOptions): Promise<ThreadInfo[]>;
	/**
	 * Takes the thread's lease (creating the thread row if needed) with the next fencing token.
	 * Refuses with `THREAD_BUSY` (naming the holder and expiry) while another unexpired lease holds it;
	 * an expired lease is taken over. Expiry is judged by the store's clock where it has one.
	 */
	acquireLease(threadId: string, options: AcquireLeaseOptions): Promise<Lease>;
	/** Extends a held lease by `ttlMs`; `LEASE_LOST` when `lease.token` is no longer current. */
	renewLease(lease: Lease, ttlMs: number): Promise<Lease>;
	/**
	 * Gives the lease up, recording `status` in the same transaction. Only while `lease.token` is
	 * current: returns false (and changes nothing) for a lease that was taken over.
	 */
	releaseLease(lease: Lease, status?: StoredThreadStatus): Promise<boolean>;
	/** Removes a thread, its namespaces and writes. */
	deleteThread(threadId: string): Promise<void>;
	/**
	 * Removes old checkpoints (and their pending writes) of a thread, in every namespace. Every kept
	 * checkpoint stays readable (see `PruneOptions.rebuild`). Returns how many checkpoints were removed.
	 */
	prune(threadId: string, options: PruneOptions): Promise<number>;
	/** Releases connections and files. */
	close?(): Promise<void>;
}

/** A thread's status and lease: `getThreadLease` where the store has it, else from `getThread`. */
export async function threadLeaseOf(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<ThreadLeaseState | undefined> {
	if (checkpointer.getThreadLease !== undefined)
		return checkpointer.getThreadLease(threadId);
	const info = await checkpointer.getThread(threadId);
	return info === undefined
		? undefined
		: { status: info.status, lease: info.lease };
}

/**
 * An optional, internal protocol (not part of the `Checkpointer` contract): a store whose `put` completes
 * without waiting on anything (MemoryCheckpointer) may also offer it synchronously under this key. It
 * makes exactly the checks and the write `put` makes, throws what `put` would reject with, and returns
 * undefined when the caller must go through `put` after all (it was replaced, e.g. by a test spy). The
 * run loop uses it to commit a step without promise hops (perf, issue 17). With `handOver`, the caller
 * vouches for the record it made: its ids are valid ids, its metadata is plain JSON (what `isPlainJson`
 * accepts), nothing in it is shared and the caller never changes it again. The store may then skip those
 * checks and keep the metadata, frozen in place once stored, instead of a copy.
 */
export const PUT_SYNC: unique symbol = Symbol.for("weft.checkpointer.putSync");

/** A store that offers `PUT_SYNC`. */
export interface SyncPut {
	[PUT_SYNC](
		record: CheckpointRecord,
		options?: PutOptions,
		handOver?: boolean,
	): { size: number; seq: number } | undefined;
}
