import type {
	AcquireLeaseOptions,
	ChainOptions,
	ChainRecord,
	Checkpointer,
	CheckpointRecord,
	CheckpointRef,
	CheckpointSummary,
	CheckpointTuple,
	FenceOptions,
	Lease,
	ListOptions,
	ListThreadsOptions,
	PendingWrite,
	PruneOptions,
	PutOptions,
	Serializer,
	StoredThreadStatus,
	ThreadInfo,
	ThreadLeaseState,
	ThreadRef,
} from "@weft/checkpoint";
import {
	checkLeaseTtl,
	checkListThreadsOptions,
	checkNewRecord,
	checkPruneOptions,
	checkRef,
	checkStoredStatus,
	metadataJson,
	placeOf,
	readPendingWrite,
	serializerOption,
	validateId,
} from "@weft/checkpoint";
import type Database from "better-sqlite3";
import { BackgroundCheckpoints } from "./background-checkpoints.ts";
import { checkOptions } from "./check-options.ts";
import { type Lister, ListPages, listSummaries } from "./list.ts";
import { openDatabase } from "./open-database.ts";
import { openReadOnly } from "./open-read-only.ts";
import type { SummaryRow } from "./rows.ts";
import { chainRecordOf, storedOf, summaryOf, writeRows } from "./rows.ts";
import type { Statements } from "./statements.ts";
import { prepareStatements } from "./statements.ts";
import { closed, storeError } from "./store-errors.ts";
import {
	type LeaseRow,
	type ThreadRow,
	threadInfo,
	threadLease,
} from "./thread-info.ts";
import type { Transactions } from "./transactions.ts";
import { transactions } from "./transactions.ts";

export interface SqliteCheckpointerOptions {
	/** A file path (created if missing; its directory must exist), or ":memory:". */
	path: string;
	/** Defaults to `new JsonSerializer()`. */
	serializer?: Serializer | undefined;
	/**
	 * "normal" (default): with WAL, durable across process crashes; a power loss may drop the last
	 * commits. "full": durable across power loss too, several times slower per checkpoint.
	 */
	synchronous?: "normal" | "full" | undefined;
	/**
	 * Open an existing file for reading only: nothing is written to it (no migration), writes fail with
	 * STORE_UNAVAILABLE. For a file this process may not write (a read-only copy, a read-only folder).
	 */
	readOnly?: boolean | undefined;
	/** How long a write waits for another connection's write lock before failing (default 5000 ms). */
	busyTimeoutMs?: number | undefined;
	/**
	 * The clock leases are judged by (ms since the epoch; default `Date.now`). Processes sharing a file
	 * should share a clock: a lease's expiry is written by one and read by the others.
	 */
	clock?: (() => number) | undefined;
}

/**
 * Checkpoints in a SQLite file (better-sqlite3, WAL): the embedded default. Each put is one
 * `BEGIN IMMEDIATE` transaction, so processes sharing a file serialize and `exclusive` puts are checked
 * under the write lock. Listings read summary columns only, never the state blobs.
 * @example
 * const checkpointer = new SqliteCheckpointer({ path: "weft.db" });
 * const graph = builder.compile({ checkpointer });
 * // ...
 * await checkpointer.close();
 */
export class SqliteCheckpointer implements Checkpointer {
	readonly #db: Database.Database;
	readonly #s: Statements;
	readonly #serializer: Serializer;
	readonly #path: string;
	/** What `list` reads through: this connection's statements, checked open, errors typed. */
	readonly #lister: Lister;
	readonly #tx: Transactions;
	readonly #clock: () => number;
	readonly #readOnly: boolean;
	/** WAL checkpoints in a worker thread (a file opened for writing only). */
	readonly #checkpoints: BackgroundCheckpoints | undefined;
	#closed = false;

	constructor(given: SqliteCheckpointerOptions) {
		const options = checkOptions(given);
		this.#path = options.path;
		this.#serializer = serializerOption(
			options.serializer,
			"SqliteCheckpointer",
		);
		this.#clock = options.clock ?? Date.now;
		this.#readOnly = options.readOnly === true;
		const db = this.#readOnly
			? openReadOnly(options.path, options.busyTimeoutMs ?? 5000)
			: openDatabase({
					path: options.path,
					synchronous: options.synchronous ?? "normal",
					busyTimeoutMs: options.busyTimeoutMs ?? 5000,
				});
		this.#db = db;
		const s = prepareStatements(db);
		this.#s = s;
		const pages = new ListPages(db);
		this.#lister = {
			live: () => this.#live(),
			run: (fn) => this.#run(fn),
			pages: (filter) => this.#run(() => pages.of(filter)),
		};
		this.#tx = transactions(db, s, this.#serializer);
		this.#checkpoints =
			this.#readOnly || db.memory
				? undefined
				: new BackgroundCheckpoints(
						db,
						options.path,
						options.synchronous ?? "normal",
					);
	}

	async put(
		record: CheckpointRecord,
		options: PutOptions = {},
	): Promise<{ size: number; seq: number }> {
		this.#live();
		checkNewRecord(record);
		const metadata = metadataJson(record);
		const place = placeOf(record);
		const data = this.#serializer.serialize(record.data, place);
		const carried = writeRows(this.#serializer, options.pendingWrites, place);
		const seq = this.#run(() =>
			this.#tx.put(record, metadata, data, options, carried),
		);
		this.#checkpoints?.wrote();
		return { size: data.byteLength, seq };
	}

	async putWrites(
		ref: CheckpointRef,
		writes: PendingWrite[],
		options: FenceOptions = {},
	): Promise<void> {
		this.#live();
		const place = checkRef(ref);
		const rows = writeRows(this.#serializer, writes, place);
		this.#run(() =>
			this.#tx.putWrites(
				{ thread: place.threadId, ns: place.ns, id: place.checkpointId },
				rows,
				options.fence,
			),
		);
		this.#checkpoints?.wrote();
	}

	async getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined> {
		this.#live();
		checkRef(ref);
		const ns = ref.ns ?? "";
		const found = this.#run(() =>
			this.#tx.readTuple({ thread: ref.threadId, ns, id: ref.checkpointId }),
		);
		if (found === undefined) return undefined;
		const [row, blobs] = found;
		const place = {
			threadId: ref.threadId,
			ns,
			checkpointId: row.checkpoint_id,
		};
		return {
			checkpoint: storedOf(ref.threadId, ns, row, this.#serializer),
			pendingWrites: blobs.map((b) =>
				readPendingWrite(this.#serializer, b, place),
			),
			hasChildren: row.has_children !== 0,
		};
	}

	async getChain(
		ref: CheckpointRef,
		options: ChainOptions = {},
	): Promise<ChainRecord[]> {
		this.#live();
		const place = checkRef(ref);
		const key = {
			thread: place.threadId,
			ns: place.ns,
			id: place.checkpointId,
		};
		const rows = this.#run(() =>
			this.#tx.readChain(key, options.stopAt, options.withWrites === true),
		);
		return rows.map((r) =>
			chainRecordOf(key.thread, key.ns, r, this.#serializer),
		);
	}

	list(
		ref: ThreadRef,
		options: ListOptions = {},
	): AsyncIterable<CheckpointSummary> {
		return listSummaries(this.#lister, ref, options);
	}

	async heads(ref: ThreadRef): Promise<CheckpointSummary[]> {
		const s = this.#live();
		checkRef(ref);
		const ns = ref.ns ?? "";
		// the root's heads are kept on the thread row (decision 0139); a subgraph namespace's are scanned
		const rows = this.#run(() =>
			ns === ""
				? this.#tx.rootHeads(ref.threadId)
				: s.heads.all({ thread: ref.threadId, ns }),
		) as SummaryRow[];
		return rows.map((r) => summaryOf(ref.threadId, ns, r));
	}

	async setThreadStatus(
		threadId: string,
		status: StoredThreadStatus,
		options: FenceOptions = {},
	): Promise<void> {
		this.#live();
		validateId(threadId);
		checkStoredStatus(status);
		const now = new Date(this.#clock()).toISOString();
		this.#run(() => this.#tx.setStatus(threadId, status, options.fence, now));
	}

	async getThread(threadId: string): Promise<ThreadInfo | undefined> {
		const s = this.#live();
		validateId(threadId);
		const now = this.#clock();
		const row = this.#run(() => s.thread.get({ thread: threadId, limit: 1 })) as
			| ThreadRow
			| undefined;
		return row === undefined ? undefined : threadInfo(row, now);
	}

	async getThreadLease(
		threadId: string,
	): Promise<ThreadLeaseState | undefined> {
		const s = this.#live();
		validateId(threadId);
		const row = this.#run(() => s.threadLease.get(threadId)) as
			| LeaseRow
			| undefined;
		return row === undefined ? undefined : threadLease(row, this.#clock());
	}

	async listThreads(given?: ListThreadsOptions): Promise<ThreadInfo[]> {
		const options = checkListThreadsOptions(given);
		const s = this.#live();
		// SQLite's LIMIT -1 means none; a negative limit lists nothing (MemoryCheckpointer slices from the end).
		const limit =
			options.limit === undefined || options.limit === Number.POSITIVE_INFINITY
				? -1
				: Math.max(0, Math.floor(options.limit));
		const now = this.#clock();
		const rows = this.#run(() =>
			s.threads.all({ limit, status: options.status ?? null, now }),
		) as ThreadRow[];
		return rows.map((r) => threadInfo(r, now));
	}

	async acquireLease(
		threadId: string,
		options: AcquireLeaseOptions,
	): Promise<Lease> {
		this.#live();
		validateId(threadId);
		const owner = validateId(options?.owner, "lease owner");
		const ttlMs = checkLeaseTtl(options.ttlMs);
		const row = this.#run(() =>
			this.#tx.acquireLease(threadId, owner, ttlMs, this.#clock()),
		);
		return {
			threadId,
			token: row.lease_token,
			owner,
			expiresAt: new Date(row.lease_expires_at!).toISOString(),
		};
	}

	async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
		this.#live();
		validateId(lease?.threadId);
		checkLeaseTtl(ttlMs);
		const expires = this.#clock() + ttlMs;
		this.#run(() => this.#tx.renewLease(lease.threadId, lease.token, expires));
		return { ...lease, expiresAt: new Date(expires).toISOString() };
	}

	async releaseLease(
		lease: Lease,
		status?: StoredThreadStatus,
	): Promise<boolean> {
		this.#live();
		validateId(lease?.threadId);
		if (status !== undefined) checkStoredStatus(status);
		const now = new Date(this.#clock()).toISOString();
		return this.#run(() =>
			this.#tx.releaseLease(lease.threadId, lease.token, status ?? null, now),
		);
	}

	async deleteThread(threadId: string): Promise<void> {
		this.#live();
		validateId(threadId);
		this.#run(() => this.#tx.deleteThread(threadId));
		this.#reclaim();
	}

	async prune(threadId: string, options: PruneOptions): Promise<number> {
		this.#live();
		validateId(threadId);
		checkPruneOptions(options);
		const removed = this.#run(() => this.#tx.prune(threadId, options));
		if (removed > 0) this.#reclaim();
		return removed;
	}

	/** Closes the database (later calls throw STORE_UNAVAILABLE). Calling it again does nothing. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		// the thread's connection first: this one, closing last, checkpoints the rest and removes the WAL
		const stopping = this.#checkpoints?.close();
		if (stopping !== undefined) await stopping;
		try {
			this.#db.pragma("optimize");
		} catch {
			// Statistics are an optimisation: a busy or read-only file still closes.
		}
		this.#db.close();
	}

	/** Returns pages freed by a delete to the file system (files created with auto_vacuum=INCREMENTAL). */
	#reclaim(): void {
		try {
			this.#db.pragma("incremental_vacuum");
		} catch {
			// The delete is committed; if another writer holds the lock, the free pages are reused by later
			// writes and returned by the next prune or deleteThread.
		}
	}

	#live(): Statements {
		if (this.#closed) throw closed(this.#path);
		return this.#s;
	}

	/** Runs database work, turning driver errors into typed ones (a WeftError passes through). */
	#run<T>(fn: () => T): T {
		try {
			return fn();
		} catch (error) {
			throw storeError(error, this.#path, { readOnly: this.#readOnly });
		}
	}
}
