import type {
	CheckpointRecord,
	CheckpointSummary,
	CheckpointTuple,
	JsonValue,
	PendingWrite,
	StoredCheckpoint,
	ThreadInfo,
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

export interface PutOptions {
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
}

export interface ListOptions {
	/** At most this many, newest first. */
	limit?: number | undefined;
	/** Only checkpoints older than this checkpoint id. */
	before?: string | undefined;
	/** Only checkpoints whose metadata has these top-level values (JSON equality). */
	filter?: Record<string, JsonValue> | undefined;
}

export interface ChainOptions {
	/** Stop walking before a checkpoint for which this returns true (the caller already has its state). */
	stopAt?: ((checkpointId: string) => boolean) | undefined;
}

export interface ListThreadsOptions {
	status?: ThreadStatus | undefined;
	limit?: number | undefined;
}

export interface PruneOptions {
	/** Keep the newest N checkpoints of each namespace. */
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
	/** Stores a checkpoint; returns the byte size of its serialized data. */
	put(
		record: CheckpointRecord,
		options?: PutOptions,
	): Promise<{ size: number }>;
	/** Appends what tasks recorded at a checkpoint (kept in order). */
	putWrites(ref: CheckpointRef, writes: PendingWrite[]): Promise<void>;
	/** A checkpoint with its pending writes: the given one, or the newest of the namespace. */
	getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined>;
	/**
	 * The ancestors of a checkpoint, oldest first, from the nearest one holding a snapshot (or the first for
	 * which `stopAt` is true, excluded) up to and including the checkpoint itself.
	 */
	getChain(
		ref: CheckpointRef,
		options?: ChainOptions,
	): Promise<StoredCheckpoint[]>;
	/** Checkpoints of a namespace, newest first, without their data. */
	list(ref: ThreadRef, options?: ListOptions): AsyncIterable<CheckpointSummary>;
	/** Records what the thread is doing now. */
	setThreadStatus(threadId: string, status: ThreadStatus): Promise<void>;
	/** Threads, most recently updated first. */
	listThreads(options?: ListThreadsOptions): Promise<ThreadInfo[]>;
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
