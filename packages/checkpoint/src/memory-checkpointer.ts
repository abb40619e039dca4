import type {
	AcquireLeaseOptions,
	ChainOptions,
	ChainRecord,
	Checkpointer,
	CheckpointRef,
	FenceOptions,
	ListOptions,
	ListThreadsOptions,
	PruneOptions,
	PutOptions,
	SyncPut,
	ThreadRef,
} from "./checkpointer.ts";
import { PUT_SYNC } from "./checkpointer.ts";
import type { Corruption } from "./corruption.ts";
import { checkpointNotFound } from "./errors.ts";
import { serializerOption } from "./json-serializer.ts";
import {
	checkFilter,
	checkListThreadsOptions,
	matchesFilter,
} from "./match-filter.ts";
import { pruneMemoryThread } from "./memory-prune.ts";
import { checkFence, putRow } from "./memory-put.ts";
import {
	corruptRow,
	frozenSummary,
	headRows,
	type Namespace,
	type Row,
	seqIndex,
	storedBytesOf,
	walkChain,
} from "./memory-rows.ts";
import {
	isoAt,
	leaseOf,
	leaseStateOf,
	type Thread,
	Threads,
	threadInfoOf,
} from "./memory-threads.ts";
import { keysOf, refuseUnknownKeys } from "./option-keys.ts";
import { readCheckpointData, readPendingWrite } from "./read-blob.ts";
import type {
	CheckpointRecord,
	CheckpointSummary,
	CheckpointTuple,
	Lease,
	PendingWrite,
	StoredCheckpoint,
	StoredThreadStatus,
	ThreadInfo,
	ThreadLeaseState,
} from "./record.ts";
import type { Serializer } from "./serializer.ts";
import { checkLeaseTtl, checkRef, checkStoredStatus } from "./store-checks.ts";
import { threadBusy } from "./store-errors.ts";
import { validateId } from "./validate-id.ts";

export interface MemoryCheckpointerOptions {
	serializer?: Serializer | undefined;
	/** The store's clock for leases (ms since the epoch); defaults to `Date.now`. */
	clock?: (() => number) | undefined;
}

const OPTION_KEYS = keysOf<MemoryCheckpointerOptions>({
	serializer: true,
	clock: true,
});

/** The test hook behind the conformance suite's `corrupt` (not part of the public API). */
export const CORRUPT_MEMORY = Symbol("weft.memory.corrupt");

/**
 * Keeps checkpoints in the process, serialized exactly as a durable store would keep them, so that what
 * works here works on disk. For tests, demos and short-lived runs.
 */
export class MemoryCheckpointer implements Checkpointer, SyncPut {
	readonly #threads = new Threads();
	readonly #serializer: Serializer;
	readonly #clock: () => number;

	constructor(options: MemoryCheckpointerOptions = {}) {
		refuseUnknownKeys(options, OPTION_KEYS, "MemoryCheckpointer");
		this.#serializer = serializerOption(
			options.serializer,
			"MemoryCheckpointer",
		);
		this.#clock = options.clock ?? Date.now;
	}

	async put(
		record: CheckpointRecord,
		options: PutOptions = {},
	): Promise<{ size: number; seq: number }> {
		return putRow(this.#threads, this.#serializer, record, options);
	}

	/** `put` without a promise (see `PUT_SYNC`); undefined when `put` was replaced (a spy, a subclass). */
	[PUT_SYNC](
		record: CheckpointRecord,
		options: PutOptions = {},
		handOver = false,
	): { size: number; seq: number } | undefined {
		if (this.put !== MemoryCheckpointer.prototype.put) return undefined;
		return putRow(this.#threads, this.#serializer, record, options, handOver);
	}

	async putWrites(
		ref: CheckpointRef,
		writes: PendingWrite[],
		options: FenceOptions = {},
	): Promise<void> {
		const place = checkRef(ref);
		this.#fence(ref.threadId, this.#threads.get(ref.threadId), options.fence);
		const row = this.#row(ref);
		const blobs = writes.map((w) => this.#serializer.serialize(w, place));
		row.addWrites(blobs);
		for (const w of writes) if (w.kind === "interrupt") row.interrupts++;
	}

	async getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined> {
		checkRef(ref);
		const ns = this.#namespace(ref);
		const id = ref.checkpointId ?? ns?.order[ns.order.length - 1];
		const row = id === undefined ? undefined : ns?.rows.get(id);
		if (row === undefined) return undefined;
		return {
			checkpoint: this.#stored(row),
			pendingWrites: this.#writesOf(ref, row, id!),
			hasChildren: row.children > 0,
		};
	}

	async getChain(
		ref: CheckpointRef,
		options: ChainOptions = {},
	): Promise<ChainRecord[]> {
		checkRef(ref);
		const ns = this.#namespace(ref);
		if (ns?.rows.has(ref.checkpointId) !== true)
			throw checkpointNotFound(ref.threadId, ref.ns ?? "", ref.checkpointId);
		const rows = walkChain(
			ref.threadId,
			ref.ns ?? "",
			ns,
			ref.checkpointId,
			options.stopAt,
		).reverse();
		if (options.withWrites !== true) return rows.map((r) => this.#stored(r));
		return rows.map((r) => {
			const record: ChainRecord = this.#stored(r);
			record.pendingWrites = this.#writesOf(ref, r, record.checkpointId);
			return record;
		});
	}

	/** A row's pending writes, decoded. */
	#writesOf(ref: ThreadRef, row: Row, checkpointId: string): PendingWrite[] {
		const place = { threadId: ref.threadId, ns: ref.ns ?? "", checkpointId };
		return row.writes.map((w) => readPendingWrite(this.#serializer, w, place));
	}

	async *list(
		ref: ThreadRef,
		options: ListOptions = {},
	): AsyncIterable<CheckpointSummary> {
		checkRef(ref);
		const filter = checkFilter(options.filter);
		if (options.before !== undefined)
			validateId(options.before, "checkpoint id");
		const ns = this.#namespace(ref);
		if (ns === undefined) return;
		let end = ns.order.length;
		if (options.before !== undefined) {
			const bound = ns.rows.get(options.before);
			// an unknown bound lists nothing, as the SQL stores' keyset query does
			if (bound === undefined) return;
			end = seqIndex(ns, bound.seq);
		}
		let count = 0;
		for (let i = end - 1; i >= 0; i--) {
			if (options.limit !== undefined && count >= options.limit) return;
			const row = ns.rows.get(ns.order[i]!);
			if (row === undefined) continue;
			if (filter !== undefined && !matchesFilter(row.summary.metadata, filter))
				continue;
			count++;
			yield { ...row.summary };
		}
	}

	async heads(ref: ThreadRef): Promise<CheckpointSummary[]> {
		checkRef(ref);
		const ns = this.#namespace(ref);
		return ns === undefined ? [] : headRows(ns).map((r) => ({ ...r.summary }));
	}

	async setThreadStatus(
		threadId: string,
		status: StoredThreadStatus,
		options: FenceOptions = {},
	): Promise<void> {
		validateId(threadId);
		checkStoredStatus(status);
		const thread = this.#threads.get(threadId);
		this.#fence(threadId, thread, options.fence);
		const now = isoAt(this.#clock());
		if (thread === undefined) {
			this.#threads.create(threadId, now, status);
			return;
		}
		thread.status = status;
		thread.updatedAt = now;
	}

	async getThread(threadId: string): Promise<ThreadInfo | undefined> {
		validateId(threadId);
		const thread = this.#threads.get(threadId);
		return thread === undefined ? undefined : this.#info(threadId, thread);
	}

	async getThreadLease(
		threadId: string,
	): Promise<ThreadLeaseState | undefined> {
		validateId(threadId);
		const thread = this.#threads.get(threadId);
		return thread === undefined
			? undefined
			: leaseStateOf(threadId, thread, this.#clock());
	}

	async listThreads(given?: ListThreadsOptions): Promise<ThreadInfo[]> {
		const options = checkListThreadsOptions(given);
		const out: ThreadInfo[] = [];
		for (const [threadId, thread] of this.#threads) {
			const info = this.#info(threadId, thread);
			if (options.status === undefined || info.status === options.status)
				out.push(info);
		}
		out.sort((a, b) =>
			a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0,
		);
		return options.limit === undefined ? out : out.slice(0, options.limit);
	}

	async acquireLease(
		threadId: string,
		options: AcquireLeaseOptions,
	): Promise<Lease> {
		validateId(threadId);
		validateId(options?.owner, "lease owner");
		checkLeaseTtl(options.ttlMs);
		const now = this.#clock();
		let thread = this.#threads.get(threadId);
		const held = thread?.lease;
		if (held != null && held.expiresAt > now)
			throw threadBusy(threadId, leaseOf(threadId, thread!)!);
		if (thread === undefined) {
			thread = this.#threads.create(threadId, isoAt(now), "running");
		}
		thread.lease = {
			token: ++thread.token,
			owner: options.owner,
			expiresAt: now + options.ttlMs,
		};
		return leaseOf(threadId, thread)!;
	}

	async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
		validateId(lease?.threadId);
		checkLeaseTtl(ttlMs);
		const thread = this.#threads.get(lease.threadId);
		this.#fence(lease.threadId, thread, lease.token);
		thread!.lease!.expiresAt = this.#clock() + ttlMs;
		return leaseOf(lease.threadId, thread!)!;
	}

	async releaseLease(
		lease: Lease,
		status?: StoredThreadStatus,
	): Promise<boolean> {
		validateId(lease?.threadId);
		if (status !== undefined) checkStoredStatus(status);
		const thread = this.#threads.get(lease.threadId);
		if (thread?.lease?.token !== lease.token) return false;
		thread.lease = null;
		if (status !== undefined) {
			thread.status = status;
			thread.updatedAt = isoAt(this.#clock());
		}
		return true;
	}

	async deleteThread(threadId: string): Promise<void> {
		validateId(threadId);
		this.#threads.remove(threadId);
	}

	async prune(threadId: string, options: PruneOptions): Promise<number> {
		validateId(threadId);
		return pruneMemoryThread(threadId, this.#threads.get(threadId), options, {
			stored: (row) => this.#stored(row),
			withSnapshot: (row, place, snapshot) => {
				const own = readCheckpointData(
					this.#serializer,
					row.data,
					place,
					row.summary.metadata.snapshot,
				);
				row.data = this.#serializer.serialize({ ...own, snapshot }, place);
				row.summary = frozenSummary(row.summary, row.data.byteLength, row.seq, {
					...row.summary.metadata,
					snapshot: true,
				});
			},
		});
	}

	/** Total serialized bytes held (checkpoint data + pending writes), for benchmarks and tests. */
	storedBytes(threadId?: string): number {
		return storedBytesOf(this.#threads, threadId);
	}

	/** Damages a stored row for the conformance suite (see `Corruption`). */
	[CORRUPT_MEMORY](c: Corruption): boolean {
		return corruptRow(this.#threads, c);
	}

	/** Refuses a fenced write unless `fence` is the thread's current lease token. */
	#fence(
		threadId: string,
		thread: Thread | undefined,
		fence: number | undefined,
	): void {
		checkFence(threadId, thread, fence);
	}

	#info(threadId: string, thread: Thread): ThreadInfo {
		return threadInfoOf(threadId, thread, this.#clock());
	}

	#namespace(ref: ThreadRef): Namespace | undefined {
		return this.#threads.get(ref.threadId)?.namespaces.get(ref.ns ?? "");
	}

	#row(ref: CheckpointRef): Row {
		const row = this.#namespace(ref)?.rows.get(ref.checkpointId);
		if (row === undefined)
			throw checkpointNotFound(ref.threadId, ref.ns ?? "", ref.checkpointId);
		return row;
	}

	#stored(row: Row): StoredCheckpoint {
		return row.stored((place, snapshot) =>
			readCheckpointData(this.#serializer, row.data, place, snapshot),
		);
	}
}
