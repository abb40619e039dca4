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
	keysOf,
	placeOf,
	refuseUnknownKeys,
	serializerOption,
	validateId,
} from "@weft/checkpoint";
import type pg from "pg";
import { readChain } from "./chain.ts";
import {
	appendWrites,
	commitCheckpoint,
	encode,
	type Prepared,
} from "./commit.ts";
import { acquire, release, renew, setStatusFenced } from "./leases.ts";
import { listOptions, listSummaries } from "./list.ts";
import { openPool } from "./pool.ts";
import { pruneThread } from "./prune.ts";
import {
	leaseOf,
	type SummaryRow,
	summaryOf,
	type ThreadRow,
	type TupleRow,
	threadOf,
	tupleOf,
} from "./rows.ts";
import { setupSchema } from "./setup.ts";
import { type Statements, statementNames, statements } from "./statements.ts";
import { type Access, closed } from "./store-errors.ts";
import {
	type Query,
	read,
	type StatementNames,
	transaction,
	type Work,
} from "./transactions.ts";
import { checkListedStatus, metadataJson } from "./validate.ts";

export interface PostgresCheckpointerOptions {
	/** A connection string; or pass `pool`. */
	connectionString?: string | undefined;
	/** A pool you own (not closed by `close()`). */
	pool?: pg.Pool | undefined;
	/** Schema holding Weft's tables (default "weft"). */
	schema?: string | undefined;
	/** Create the schema and tables if missing (default true). False: only check the version (least-privilege roles). */
	createSchema?: boolean | undefined;
	/**
	 * Send the per-step statements as named prepared statements, parsed once per connection (default true).
	 * False for a pooler that cannot keep them in transaction mode (PgBouncer before 1.21, or with
	 * `max_prepared_statements = 0`).
	 */
	preparedStatements?: boolean | undefined;
	serializer?: Serializer | undefined;
}

const OPTION_KEYS = keysOf<PostgresCheckpointerOptions>({
	connectionString: true,
	pool: true,
	schema: true,
	createSchema: true,
	preparedStatements: true,
	serializer: true,
});

/**
 * Checkpoints in PostgreSQL, for several processes or machines. One transaction per write, queued on the
 * thread's row lock (which also numbers the thread's checkpoints and holds its lease); listings read
 * metadata columns only. A lost connection never ends the process: the work is retried or fails typed.
 * @example
 * const checkpointer = await PostgresCheckpointer.connect({ connectionString: process.env.DATABASE_URL });
 */
export class PostgresCheckpointer implements Checkpointer {
	readonly #pool: pg.Pool;
	readonly #owned: boolean;
	readonly #schema: string;
	readonly #st: Statements;
	readonly #serializer: Serializer;
	readonly #createSchema: boolean;
	readonly #names: StatementNames | undefined;
	#closed = false;

	private constructor(options: PostgresCheckpointerOptions) {
		// checked before the pool is made
		refuseUnknownKeys(options, OPTION_KEYS, "PostgresCheckpointer");
		this.#serializer = serializerOption(
			options?.serializer,
			"PostgresCheckpointer",
		);
		const { pool, owned, schema } = openPool(options);
		this.#pool = pool;
		this.#owned = owned;
		this.#schema = schema;
		this.#st = statements(`"${schema}"`);
		this.#names =
			options.preparedStatements === false
				? undefined
				: statementNames(this.#st, schema);
		this.#createSchema = options.createSchema ?? true;
	}

	/** Connects and runs `setup()`. */
	static async connect(
		options: PostgresCheckpointerOptions,
	): Promise<PostgresCheckpointer> {
		const checkpointer = new PostgresCheckpointer(options);
		try {
			await checkpointer.setup();
		} catch (error) {
			await checkpointer.close();
			throw error;
		}
		return checkpointer;
	}

	/**
	 * Creates or migrates the tables (idempotent, safe from several processes at once: migrations run under an
	 * advisory lock). With `createSchema: false` it creates nothing and only checks the schema version.
	 */
	async setup(): Promise<void> {
		// creating or migrating writes; with createSchema: false it only reads the schema's version
		await this.#read(
			(q) => setupSchema(q, this.#schema, this.#createSchema),
			false,
			this.#createSchema ? "write" : "read",
		);
	}

	async put(
		record: CheckpointRecord,
		options: PutOptions = {},
	): Promise<{ size: number; seq: number }> {
		checkNewRecord(record);
		const place = placeOf(record);
		const carried = options.pendingWrites ?? [];
		const prepared: Prepared = {
			record,
			place,
			metadata: metadataJson(record.metadata, record),
			data: encode(this.#serializer, record.data, place),
			carried: {
				blobs: carried.map((w) => encode(this.#serializer, w, place)),
				kinds: carried.map((w) => String(w.kind)),
			},
		};
		// one statement (put_checkpoint) that commits by itself: one round trip a checkpoint; with carried
		// writes, a transaction holds both
		const seq = await this.#write(
			(q, retried) => commitCheckpoint(q, this.#st, prepared, options, retried),
			carried.length > 0,
		);
		return { size: prepared.data.byteLength, seq };
	}

	async putWrites(
		ref: CheckpointRef,
		writes: PendingWrite[],
		options: FenceOptions = {},
	): Promise<void> {
		const place = checkRef(ref);
		const blobs = writes.map((w) => encode(this.#serializer, w, place));
		const kinds = writes.map((w) => String(w.kind));
		await this.#write((q, retried) =>
			appendWrites(
				q,
				this.#st,
				place,
				{ blobs, kinds },
				options.fence,
				retried,
			),
		);
	}

	async getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined> {
		const place = checkRef(ref);
		const threadId = ref.threadId;
		const ns = ref.ns ?? "";
		const latest = place === undefined;
		const id = place?.checkpointId;
		const { rows } = await this.#read((q) =>
			latest
				? q(this.#st.latestTuple, [threadId, ns])
				: q(this.#st.tuple, [threadId, ns, id]),
		);
		const row = rows[0] as TupleRow | undefined;
		return row === undefined ? undefined : tupleOf(row, this.#serializer);
	}

	async getChain(
		ref: CheckpointRef,
		options: ChainOptions = {},
	): Promise<ChainRecord[]> {
		const { threadId, ns, checkpointId } = checkRef(ref);
		return this.#read(
			(q) =>
				readChain(
					q,
					this.#st,
					this.#serializer,
					{ threadId, ns, from: checkpointId },
					options,
				),
			true,
		);
	}

	async *list(
		ref: ThreadRef,
		options: ListOptions = {},
	): AsyncIterable<CheckpointSummary> {
		checkRef(ref);
		const key = { threadId: ref.threadId, ns: ref.ns ?? "" };
		yield* listSummaries((fn) => this.#read(fn), this.#st, key, options);
	}

	async heads(ref: ThreadRef): Promise<CheckpointSummary[]> {
		checkRef(ref);
		const threadId = ref.threadId;
		const ns = ref.ns ?? "";
		// the root's heads are kept on the thread row (decision 0139); a subgraph namespace's are scanned
		const { rows } = await this.#read((q) =>
			ns === ""
				? q(this.#st.rootHeads, [threadId])
				: q(this.#st.heads, [threadId, ns]),
		);
		return (rows as SummaryRow[]).map(summaryOf);
	}

	async setThreadStatus(
		threadId: string,
		status: StoredThreadStatus,
		options: FenceOptions = {},
	): Promise<void> {
		validateId(threadId);
		checkStoredStatus(status);
		const st = this.#st;
		const fence = options.fence;
		// one statement (the fence checked in its WHERE): it commits by itself
		await this.#write(async (q) => {
			if (fence !== undefined)
				await setStatusFenced(q, st, threadId, status, fence);
			else await q(st.setStatus, [threadId, status, new Date().toISOString()]);
		}, false);
	}

	async getThread(threadId: string): Promise<ThreadInfo | undefined> {
		validateId(threadId);
		const { rows } = await this.#read((q) =>
			q(this.#st.threads, [null, 1, threadId]),
		);
		return rows[0] === undefined ? undefined : threadOf(rows[0] as ThreadRow);
	}

	async getThreadLease(
		threadId: string,
	): Promise<ThreadLeaseState | undefined> {
		validateId(threadId);
		const { rows } = await this.#read((q) =>
			q(this.#st.threadLease, [threadId]),
		);
		const row = rows[0] as
			| Pick<
					ThreadRow,
					"status" | "lease_token" | "lease_owner" | "lease_expires"
			  >
			| undefined;
		return row === undefined
			? undefined
			: { status: row.status, lease: leaseOf(threadId, row) };
	}

	async listThreads(given?: ListThreadsOptions): Promise<ThreadInfo[]> {
		const options = checkListThreadsOptions(given);
		if (options.status !== undefined) checkListedStatus(options.status);
		const { limit } = listOptions({ limit: options.limit });
		const { rows } = await this.#read((q) =>
			q(this.#st.threads, [options.status ?? null, limit ?? null, null]),
		);
		return (rows as ThreadRow[]).map(threadOf);
	}

	async acquireLease(
		threadId: string,
		options: AcquireLeaseOptions,
	): Promise<Lease> {
		validateId(threadId);
		validateId(options?.owner, "lease owner");
		checkLeaseTtl(options.ttlMs);
		return this.#write(
			(q, retried) => acquire(q, this.#st, threadId, options, retried),
			false,
		);
	}

	async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
		validateId(lease?.threadId);
		checkLeaseTtl(ttlMs);
		// one statement that commits by itself (and, when refused, one read of the lease)
		return this.#write((q) => renew(q, this.#st, lease, ttlMs), false);
	}

	async releaseLease(
		lease: Lease,
		status?: StoredThreadStatus,
	): Promise<boolean> {
		validateId(lease?.threadId);
		if (status !== undefined) checkStoredStatus(status);
		return this.#write(
			(q, retried) => release(q, this.#st, lease, status, retried),
			false,
		);
	}

	async deleteThread(threadId: string): Promise<void> {
		validateId(threadId);
		await this.#write(async (q) => {
			await q(this.#st.lockThread, [threadId]);
			for (const sql of this.#st.deleteThread) await q(sql, [threadId]);
		});
	}

	async prune(threadId: string, options: PruneOptions): Promise<number> {
		validateId(threadId);
		checkPruneOptions(options);
		return this.#write(async (q) => {
			await q(this.#st.lockThread, [threadId]);
			return pruneThread(q, this.#st, this.#serializer, threadId, options);
		});
	}

	/** Ends the pool this checkpointer created (a pool passed in stays open). */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		if (this.#owned) await this.#pool.end();
	}

	/** Reads (`access` "write": idempotent work that writes, as setup), retried after a lost connection. */
	#read<T>(
		fn: (q: Query) => Promise<T>,
		snapshot = false,
		access: Access = "read",
	): Promise<T> {
		if (this.#closed) throw closed();
		return read(this.#pool, fn, { access, snapshot, names: this.#names });
	}

	#write<T>(work: Work<T>, wrap = true): Promise<T> {
		if (this.#closed) throw closed();
		return transaction(this.#pool, work, wrap, this.#names);
	}
}
