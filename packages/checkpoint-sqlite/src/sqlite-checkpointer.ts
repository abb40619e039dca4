import type {
	ChainOptions,
	Checkpointer,
	CheckpointRecord,
	CheckpointRef,
	CheckpointSummary,
	CheckpointTuple,
	ListOptions,
	ListThreadsOptions,
	PendingWrite,
	PruneOptions,
	PutOptions,
	Serializer,
	StoredCheckpoint,
	ThreadInfo,
	ThreadRef,
	ThreadStatus,
} from "@weft/checkpoint";
import { JsonSerializer, matchesFilter } from "@weft/checkpoint";
import type Database from "better-sqlite3";
import type { FilterSql } from "./metadata-filter.ts";
import { filterSql } from "./metadata-filter.ts";
import { openDatabase } from "./open-database.ts";
import type { DataRow, SummaryRow } from "./rows.ts";
import { storedOf, summaryOf } from "./rows.ts";
import type { Statements } from "./statements.ts";
import { pageSql, prepareStatements } from "./statements.ts";
import { closed, notFound, storeError } from "./store-errors.ts";
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
	/** How long a write waits for another connection's write lock before failing (default 5000 ms). */
	busyTimeoutMs?: number | undefined;
}

/** Rows per page of `list` (keyset paging: a page is one short read, not one long-held statement). */
const PAGE = 256;
const FILTER_CACHE = 32;

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
	readonly #filtered = new Map<
		string,
		[Database.Statement, Database.Statement]
	>();
	readonly #tx: Transactions;
	#closed = false;

	constructor(options: SqliteCheckpointerOptions) {
		this.#path = options.path;
		this.#serializer = options.serializer ?? new JsonSerializer();
		const db = openDatabase({
			path: options.path,
			synchronous: options.synchronous ?? "normal",
			busyTimeoutMs: options.busyTimeoutMs ?? 5000,
		});
		this.#db = db;
		let s: Statements;
		try {
			s = prepareStatements(db);
		} catch (error) {
			db.close();
			throw storeError(error, options.path);
		}
		this.#s = s;

		this.#tx = transactions(db, s, this.#serializer);
	}

	async put(
		record: CheckpointRecord,
		options: PutOptions = {},
	): Promise<{ size: number }> {
		this.#live();
		const data = this.#serializer.serialize(record.data);
		this.#run(() => this.#tx.put(record, data, options));
		return { size: data.byteLength };
	}

	async putWrites(ref: CheckpointRef, writes: PendingWrite[]): Promise<void> {
		this.#live();
		const blobs = writes.map((w) => this.#serializer.serialize(w));
		this.#run(() =>
			this.#tx.putWrites(
				{ thread: ref.threadId, ns: ref.ns ?? "", id: ref.checkpointId },
				blobs,
			),
		);
	}

	async getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined> {
		this.#live();
		const ns = ref.ns ?? "";
		const found = this.#run(() =>
			this.#tx.readTuple({ thread: ref.threadId, ns, id: ref.checkpointId }),
		);
		if (found === undefined) return undefined;
		const [row, blobs] = found;
		return {
			checkpoint: storedOf(ref.threadId, ns, row, this.#serializer),
			pendingWrites: blobs.map(
				(b) => this.#serializer.deserialize(b) as PendingWrite,
			),
			hasChildren: row.has_children !== 0,
		};
	}

	async getChain(
		ref: CheckpointRef,
		options: ChainOptions = {},
	): Promise<StoredCheckpoint[]> {
		const s = this.#live();
		const key = {
			thread: ref.threadId,
			ns: ref.ns ?? "",
			id: ref.checkpointId,
		};
		const stopAt = options.stopAt;
		// Without stopAt one recursive query walks the chain; with it, point lookups, so that a blob past
		// the stop is never read.
		const rows = this.#run(() =>
			stopAt === undefined
				? (s.chain.all(key) as DataRow[])
				: this.#tx.readChainUntil(key, stopAt),
		);
		const oldest = rows[0];
		if (oldest === undefined) throw notFound(key.thread, key.ns, key.id);
		if (
			stopAt === undefined &&
			oldest.has_snapshot === 0 &&
			oldest.parent_id !== null
		)
			throw notFound(key.thread, key.ns, oldest.parent_id);
		return rows.map((r) => storedOf(key.thread, key.ns, r, this.#serializer));
	}

	async *list(
		ref: ThreadRef,
		options: ListOptions = {},
	): AsyncIterable<CheckpointSummary> {
		this.#live();
		const ns = ref.ns ?? "";
		const { limit, filter } = options;
		if (limit !== undefined && !(limit > 0)) return;
		const sqlFilter = filter === undefined ? undefined : filterSql(filter);
		const [first, next] = this.#pageStatements(sqlFilter);
		const params = sqlFilter?.params ?? [];
		let before = options.before;
		let count = 0;
		for (;;) {
			const size =
				limit === undefined ? PAGE : Math.min(PAGE, Math.ceil(limit - count));
			const rows = this.#run(() =>
				before === undefined
					? first.all(ref.threadId, ns, ...params, size)
					: next.all(ref.threadId, ns, before, ...params, size),
			) as SummaryRow[];
			for (const row of rows) {
				const summary = summaryOf(ref.threadId, ns, row);
				if (filter !== undefined && !matchesFilter(summary.metadata, filter))
					continue;
				yield summary;
				if (limit !== undefined && ++count >= limit) return;
			}
			if (rows.length < size) return;
			before = rows[rows.length - 1]!.checkpoint_id;
			this.#live();
		}
	}

	async setThreadStatus(threadId: string, status: ThreadStatus): Promise<void> {
		const s = this.#live();
		const now = new Date().toISOString();
		this.#run(() => s.setStatus.run(threadId, status, now, now));
	}

	async listThreads(options: ListThreadsOptions = {}): Promise<ThreadInfo[]> {
		const s = this.#live();
		// SQLite's LIMIT -1 means none; a negative limit lists nothing (MemoryCheckpointer slices from the end).
		const limit =
			options.limit === undefined || options.limit === Number.POSITIVE_INFINITY
				? -1
				: Math.max(0, Math.floor(options.limit));
		const rows = this.#run(() =>
			options.status === undefined
				? s.threads.all({ limit })
				: s.threadsByStatus.all({ limit, status: options.status }),
		) as Array<{
			thread_id: string;
			status: ThreadStatus;
			created_at: string;
			updated_at: string;
			checkpoint_id: string | null;
			step: number | null;
			checkpoints: number;
		}>;
		return rows.map((r) => ({
			threadId: r.thread_id,
			status: r.status,
			createdAt: r.created_at,
			updatedAt: r.updated_at,
			checkpointId: r.checkpoint_id,
			step: r.step ?? -1,
			checkpoints: r.checkpoints,
		}));
	}

	async deleteThread(threadId: string): Promise<void> {
		this.#live();
		this.#run(() => this.#tx.deleteThread(threadId));
		this.#reclaim();
	}

	async prune(threadId: string, options: PruneOptions): Promise<number> {
		this.#live();
		const removed = this.#run(() => this.#tx.prune(threadId, options));
		if (removed > 0) this.#reclaim();
		return removed;
	}

	/** Closes the database (later calls throw STORE_UNAVAILABLE). Calling it again does nothing. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		try {
			this.#db.pragma("optimize");
		} catch {
			// Statistics are an optimisation: a busy or read-only file still closes.
		}
		this.#db.close();
	}

	/** Statements listing a page of summaries (first page, then pages before an id), cached per filter shape. */
	#pageStatements(
		filter: FilterSql | undefined,
	): [Database.Statement, Database.Statement] {
		const shape = filter?.shape ?? "";
		let pair = this.#filtered.get(shape);
		if (pair === undefined) {
			const where = filter?.where ?? "";
			pair = this.#run(() => [
				this.#db.prepare(pageSql(false, where)),
				this.#db.prepare(pageSql(true, where)),
			]);
			if (this.#filtered.size >= FILTER_CACHE)
				this.#filtered.delete(this.#filtered.keys().next().value!);
			this.#filtered.set(shape, pair);
		}
		return pair;
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
			throw storeError(error, this.#path);
		}
	}
}
