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
import {
	CheckpointError,
	checkpointConflict,
	checkpointNotFound,
	JsonSerializer,
	matchesFilter,
} from "@weft/checkpoint";
import pg from "pg";
import { pruneThread } from "./prune.ts";
import { type Query, withRetry } from "./retry.ts";
import { type Row, readChain, SUMMARY, storedOf, summaryOf } from "./rows.ts";
import { setupSchema } from "./setup.ts";

export interface PostgresCheckpointerOptions {
	/** A connection string; or pass `pool`. */
	connectionString?: string | undefined;
	/** A pool you own (not closed by `close()`). */
	pool?: pg.Pool | undefined;
	/** Schema holding Weft's tables (default "weft"). */
	schema?: string | undefined;
	/** Create the schema and tables if missing (default true). False: only check the version (least-privilege roles). */
	createSchema?: boolean | undefined;
	serializer?: Serializer | undefined;
}

/**
 * Checkpoints in PostgreSQL, for several processes or machines. One transaction per checkpoint, guarded by
 * a per-thread advisory lock; listings read metadata columns only.
 * @example
 * const checkpointer = await PostgresCheckpointer.connect({ connectionString: process.env.DATABASE_URL });
 */
export class PostgresCheckpointer implements Checkpointer {
	readonly #pool: pg.Pool;
	readonly #owned: boolean;
	readonly #schema: string;
	readonly #s: string;
	readonly #serializer: Serializer;
	readonly #createSchema: boolean;
	#closed = false;

	private constructor(options: PostgresCheckpointerOptions) {
		if (options.pool === undefined && options.connectionString === undefined) {
			throw new CheckpointError(
				"STORE_UNAVAILABLE",
				"PostgresCheckpointer needs a connectionString or a pool",
				{
					hint: 'pass { connectionString: "postgres://user@host:5432/db" } or { pool }',
				},
			);
		}
		this.#schema = options.schema ?? "weft";
		if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.#schema)) {
			throw new CheckpointError(
				"STORE_UNAVAILABLE",
				`"${this.#schema}" is not a usable schema name`,
				{
					hint: "use letters, digits and underscores, starting with a letter",
				},
			);
		}
		this.#s = `"${this.#schema}"`;
		this.#owned = options.pool === undefined;
		this.#pool =
			options.pool ??
			new pg.Pool({ connectionString: options.connectionString, max: 10 });
		this.#pool.on("error", () => {}); // an idle client's error must not crash the process; queries report their own
		this.#serializer = options.serializer ?? new JsonSerializer();
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
		await this.#query((q) => setupSchema(q, this.#schema, this.#createSchema));
	}

	async put(
		record: CheckpointRecord,
		options: PutOptions = {},
	): Promise<{ size: number }> {
		const data = Buffer.from(this.#serializer.serialize(record.data));
		const { threadId, ns, parentId } = record;
		await this.#transaction(async (q) => {
			await q("SELECT pg_advisory_xact_lock(hashtext($1))", [
				`${threadId}|${ns}`,
			]);
			if (parentId !== null) {
				const parent = await q(
					`SELECT 1 FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3`,
					[threadId, ns, parentId],
				);
				if (parent.rowCount === 0)
					throw checkpointNotFound(threadId, ns, parentId);
			}
			if (options.exclusive === true) {
				const taken =
					parentId === null
						? await q(
								`SELECT 1 FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 LIMIT 1`,
								[threadId, ns],
							)
						: await q(
								`SELECT 1 FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND parent_id = $3 LIMIT 1`,
								[threadId, ns, parentId],
							);
				if ((taken.rowCount ?? 0) > 0) throw checkpointConflict(record);
			}
			const inserted = await q(
				`INSERT INTO ${this.#s}.checkpoints (${SUMMARY}, has_snapshot, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				 ON CONFLICT DO NOTHING`,
				[
					threadId,
					ns,
					record.checkpointId,
					parentId,
					record.step,
					record.source,
					record.createdAt,
					JSON.stringify(record.metadata),
					data.byteLength,
					record.metadata.snapshot,
					data,
				],
			);
			if (inserted.rowCount === 0) throw checkpointConflict(record);
			if (parentId !== null && options.dropParentWrites === true)
				await q(
					`DELETE FROM ${this.#s}.writes WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3`,
					[threadId, ns, parentId],
				);
			await q(
				`INSERT INTO ${this.#s}.threads (thread_id, status, created_at, updated_at) VALUES ($1, 'running', $2, $2)
				 ON CONFLICT (thread_id) DO UPDATE SET updated_at = excluded.updated_at`,
				[threadId, record.createdAt],
			);
		});
		return { size: data.byteLength };
	}

	async putWrites(ref: CheckpointRef, writes: PendingWrite[]): Promise<void> {
		const ns = ref.ns ?? "";
		const blobs = writes.map((w) => Buffer.from(this.#serializer.serialize(w)));
		await this.#transaction(async (q) => {
			await q("SELECT pg_advisory_xact_lock(hashtext($1))", [
				`${ref.threadId}|${ns}`,
			]);
			const exists = await q(
				`SELECT 1 FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3`,
				[ref.threadId, ns, ref.checkpointId],
			);
			if (exists.rowCount === 0)
				throw checkpointNotFound(ref.threadId, ns, ref.checkpointId);
			const { rows } = await q(
				`SELECT coalesce(max(seq), -1) + 1 AS seq FROM ${this.#s}.writes WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3`,
				[ref.threadId, ns, ref.checkpointId],
			);
			let seq = rows[0]!.seq as number;
			for (const blob of blobs) {
				await q(
					`INSERT INTO ${this.#s}.writes (thread_id, ns, checkpoint_id, seq, data) VALUES ($1, $2, $3, $4, $5)`,
					[ref.threadId, ns, ref.checkpointId, seq++, blob],
				);
			}
		});
	}

	async getTuple(
		ref: ThreadRef & { checkpointId?: string | undefined },
	): Promise<CheckpointTuple | undefined> {
		const ns = ref.ns ?? "";
		return this.#query(async (q) => {
			const { rows } =
				ref.checkpointId === undefined
					? await q(
							`SELECT ${SUMMARY}, data FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 ORDER BY checkpoint_id DESC LIMIT 1`,
							[ref.threadId, ns],
						)
					: await q(
							`SELECT ${SUMMARY}, data FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3`,
							[ref.threadId, ns, ref.checkpointId],
						);
			const row = rows[0] as Row | undefined;
			if (row === undefined) return undefined;
			const writes = await q(
				`SELECT data FROM ${this.#s}.writes WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3 ORDER BY seq`,
				[ref.threadId, ns, row.checkpoint_id],
			);
			const child = await q(
				`SELECT 1 FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND parent_id = $3 LIMIT 1`,
				[ref.threadId, ns, row.checkpoint_id],
			);
			return {
				checkpoint: storedOf(row, this.#serializer),
				pendingWrites: writes.rows.map(
					(w) => this.#serializer.deserialize(w.data as Buffer) as PendingWrite,
				),
				hasChildren: (child.rowCount ?? 0) > 0,
			};
		});
	}

	async getChain(
		ref: CheckpointRef,
		options: ChainOptions = {},
	): Promise<StoredCheckpoint[]> {
		return this.#query((q) =>
			readChain(
				q,
				this.#s,
				this.#serializer,
				{ threadId: ref.threadId, ns: ref.ns ?? "", from: ref.checkpointId },
				options,
			),
		);
	}

	async *list(
		ref: ThreadRef,
		options: ListOptions = {},
	): AsyncIterable<CheckpointSummary> {
		const ns = ref.ns ?? "";
		let before = options.before ?? "\uffff";
		let count = 0;
		const page = 256;
		while (true) {
			const rows = (
				await this.#query((q) =>
					q(
						`SELECT ${SUMMARY} FROM ${this.#s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND checkpoint_id < $3 ${options.filter === undefined ? "" : "AND metadata @> $5::jsonb"} ORDER BY checkpoint_id DESC LIMIT $4`,
						options.filter === undefined
							? [ref.threadId, ns, before, page]
							: [
									ref.threadId,
									ns,
									before,
									page,
									JSON.stringify(options.filter),
								],
					),
				)
			).rows as Row[];
			for (const row of rows) {
				const summary = summaryOf(row);
				if (
					options.filter !== undefined &&
					!matchesFilter(summary.metadata, options.filter)
				)
					continue;
				yield summary;
				if (options.limit !== undefined && ++count >= options.limit) return;
			}
			if (rows.length < page) return;
			before = rows[rows.length - 1]!.checkpoint_id;
		}
	}

	async setThreadStatus(threadId: string, status: ThreadStatus): Promise<void> {
		const now = new Date().toISOString();
		await this.#query((q) =>
			q(
				`INSERT INTO ${this.#s}.threads (thread_id, status, created_at, updated_at) VALUES ($1, $2, $3, $3)
				 ON CONFLICT (thread_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
				[threadId, status, now],
			),
		);
	}

	async listThreads(options: ListThreadsOptions = {}): Promise<ThreadInfo[]> {
		const { rows } = await this.#query((q) =>
			q(
				`SELECT t.thread_id, t.status, t.created_at, t.updated_at, last.checkpoint_id, last.step,
				   (SELECT count(*)::int FROM ${this.#s}.checkpoints c WHERE c.thread_id = t.thread_id AND c.ns = '') AS checkpoints
				 FROM ${this.#s}.threads t
				 LEFT JOIN LATERAL (SELECT checkpoint_id, step FROM ${this.#s}.checkpoints c WHERE c.thread_id = t.thread_id AND c.ns = '' ORDER BY checkpoint_id DESC LIMIT 1) last ON true
				 WHERE ($1::text IS NULL OR t.status = $1) ORDER BY t.updated_at DESC, t.thread_id LIMIT $2`,
				[options.status ?? null, options.limit ?? null],
			),
		);
		return rows.map((r) => ({
			threadId: r.thread_id,
			status: r.status,
			createdAt: r.created_at,
			updatedAt: r.updated_at,
			checkpointId: r.checkpoint_id ?? null,
			step: r.step ?? -1,
			checkpoints: r.checkpoints,
		}));
	}

	async deleteThread(threadId: string): Promise<void> {
		await this.#transaction(async (q) => {
			for (const table of ["checkpoints", "writes", "threads"])
				await q(`DELETE FROM ${this.#s}.${table} WHERE thread_id = $1`, [
					threadId,
				]);
		});
	}

	async prune(threadId: string, options: PruneOptions): Promise<number> {
		return this.#transaction((q) =>
			pruneThread(q, this.#s, this.#serializer, threadId, options),
		);
	}

	/** Ends the pool this checkpointer created (a pool passed in stays open). */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		if (this.#owned) await this.#pool.end();
	}

	/** Runs idempotent queries on one client, retrying transient connection failures. */
	#query<T>(fn: (q: Query) => Promise<T>): Promise<T> {
		this.#live();
		return withRetry(this.#pool, fn, true);
	}

	/** Runs `fn` in a transaction (not retried: a failed commit is reported, never repeated blindly). */
	#transaction<T>(fn: (q: Query) => Promise<T>): Promise<T> {
		this.#live();
		return withRetry(
			this.#pool,
			async (q) => {
				await q("BEGIN");
				try {
					const result = await fn(q);
					await q("COMMIT");
					return result;
				} catch (error) {
					await q("ROLLBACK").catch(() => {});
					throw error;
				}
			},
			false,
		);
	}

	#live(): void {
		if (this.#closed) {
			throw new CheckpointError(
				"STORE_UNAVAILABLE",
				"this PostgresCheckpointer is closed",
				{
					hint: "connect a new one, or stop using this one after close()",
				},
			);
		}
	}
}
