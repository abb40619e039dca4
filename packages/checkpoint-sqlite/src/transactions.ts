import type {
	CheckpointRecord,
	PruneOptions,
	PutOptions,
	Serializer,
	StoredThreadStatus,
} from "@weft/checkpoint";
import type Database from "better-sqlite3";
import { readChain, readChainUntil } from "./chain.ts";
import { acquire, checkFence, checkFenceOf, type LeaseRow } from "./leases.ts";
import { pruneNamespace } from "./prune-namespace.ts";
import type { ChainRow, SummaryRow } from "./rows.ts";
import type { Statements } from "./statements.ts";
import { conflict, notFound, sqliteCode } from "./store-errors.ts";

/** Names a namespace of a thread (statement parameters `@thread`, `@ns`). */
export type Key = { thread: string; ns: string };
export type TupleRow = SummaryRow & {
	has_snapshot: number;
	data: Uint8Array;
	has_children: number;
};

/** The database work of each method: synchronous, each a single transaction, on cached statements. */
export interface Transactions {
	/**
	 * Writes (BEGIN IMMEDIATE): checks the fence, the parent and `exclusive` under the write lock, takes the
	 * thread's next seq, then stores the checkpoint with its carried pending writes. Returns the seq.
	 */
	put(
		record: CheckpointRecord,
		metadata: string,
		data: Uint8Array,
		options: PutOptions,
		carried: Array<[kind: string, blob: Uint8Array]>,
	): number;
	putWrites(
		key: Key & { id: string },
		writes: Array<[kind: string, blob: Uint8Array]>,
		fence: number | undefined,
	): void;
	setStatus(
		threadId: string,
		status: StoredThreadStatus,
		fence: number | undefined,
		now: string,
	): void;
	acquireLease(
		threadId: string,
		owner: string,
		ttlMs: number,
		now: number,
	): LeaseRow;
	renewLease(threadId: string, token: number, expires: number): void;
	releaseLease(
		threadId: string,
		token: number,
		status: StoredThreadStatus | null,
		now: string,
	): boolean;
	/** Reads a checkpoint (or the newest by seq), its pending writes and whether it has children, in one snapshot. */
	readTuple(
		key: Key & { id?: string | undefined },
	): [TupleRow, Uint8Array[]] | undefined;
	/** Reads a chain (see chain.ts), oldest first, in one snapshot; with each row's pending writes if asked. */
	readChain(
		key: Key & { id: string },
		stopAt: ((id: string) => boolean) | undefined,
		withWrites: boolean,
	): ChainRow[];
	prune(threadId: string, options: PruneOptions): number;
	/** The root namespace's heads, newest first: from the thread row where it keeps them, else by a scan. */
	rootHeads(threadId: string): SummaryRow[];
	deleteThread(threadId: string): void;
}

export function transactions(
	db: Database.Database,
	s: Statements,
	serializer: Serializer,
): Transactions {
	return {
		put: db.transaction(
			(
				record: CheckpointRecord,
				metadata: string,
				data: Uint8Array,
				options: PutOptions,
				carried: Array<[string, Uint8Array]>,
			) => {
				const { threadId: thread, ns, parentId } = record;
				const now = record.createdAt;
				// the thread's next seq and its lease in one statement; a refusal below rolls the bump back
				const claimed = s.bumpSeq.get({
					thread,
					now,
					ns,
					id: record.checkpointId,
					parent: parentId,
				}) as
					| (LeaseRow & {
							last_seq: number;
							updated_at: string;
							root_unknown: number;
							parent_was_head: number;
					  })
					| undefined;
				checkFenceOf(thread, claimed, options.fence);
				const exclusive = options.exclusive === true;
				// the parent was the thread's only head (see SQL.bumpSeq): it exists and has no child, and the
				// new row stays out of the parent index, its parent's child found as the next row (decision 0194)
				const linear = claimed?.parent_was_head === 1 ? 1 : 0;
				if (parentId !== null) {
					if (linear === 0) {
						const parent = s.parentState.get({ thread, ns, id: parentId }) as
							| { taken: number }
							| undefined;
						if (parent === undefined) throw notFound(thread, ns, parentId);
						if (exclusive && parent.taken !== 0) throw conflict(record);
					}
				} else if (exclusive && s.hasAny.get({ thread, ns }) !== undefined)
					throw conflict(record);
				// `updated_at` moves only when the time differs (SQL.touch): mostly not within one millisecond
				if (claimed !== undefined && claimed.updated_at !== now)
					s.touch.run({ thread, now });
				const seq =
					claimed?.last_seq ??
					(s.insertThread.get({
						thread,
						now,
						status: "running",
						bump: 1,
					}) as number);
				try {
					s.insert.run(
						thread,
						ns,
						record.checkpointId,
						parentId,
						seq,
						record.step,
						record.source,
						record.createdAt,
						metadata,
						data.byteLength,
						record.metadata.snapshot ? 1 : 0,
						data,
						linear,
					);
				} catch (error) {
					// The same id twice: MemoryCheckpointer reports it as a conflict too.
					if (sqliteCode(error) === "SQLITE_CONSTRAINT_UNIQUE")
						throw conflict(record);
					throw error;
				}
				if (parentId !== null && options.dropParentWrites === true)
					s.dropWritesOf.run({ thread, ns, id: parentId });
				let i = 0;
				for (const [kind, blob] of carried)
					s.insertWrite.run(thread, ns, record.checkpointId, i++, kind, blob);
				// a row that did not know its root count and heads learns them now, once (decision 0139)
				if (ns === "" && (claimed === undefined || claimed.root_unknown !== 0))
					s.fillRoot.run({ thread });
				return seq;
			},
		).immediate,

		putWrites: db.transaction(
			(
				key: Key & { id: string },
				writes: Array<[string, Uint8Array]>,
				fence: number | undefined,
			) => {
				checkFence(s, key.thread, fence);
				if (s.exists.get(key) === undefined)
					throw notFound(key.thread, key.ns, key.id);
				let seq = s.nextSeq.get(key) as number;
				for (const [kind, blob] of writes)
					s.insertWrite.run(key.thread, key.ns, key.id, seq++, kind, blob);
			},
		).immediate,

		setStatus: db.transaction(
			(
				threadId: string,
				status: StoredThreadStatus,
				fence: number | undefined,
				now: string,
			) => {
				checkFence(s, threadId, fence);
				s.setStatus.run(threadId, status, now, now);
			},
		).immediate,

		acquireLease: db.transaction(
			(threadId: string, owner: string, ttlMs: number, now: number) =>
				acquire(s, threadId, owner, ttlMs, now),
		).immediate,

		renewLease: db.transaction(
			(threadId: string, token: number, expires: number) => {
				const changed = s.renewLease.run({
					thread: threadId,
					token,
					expires,
				}).changes;
				if (changed === 0) checkFence(s, threadId, token);
			},
		).immediate,

		releaseLease: db.transaction(
			(
				threadId: string,
				token: number,
				status: StoredThreadStatus | null,
				now: string,
			) =>
				s.releaseLease.run({ thread: threadId, token, status, now }).changes ===
				1,
		).immediate,

		readTuple: db.transaction((key: Key & { id?: string | undefined }) => {
			const id =
				key.id ??
				(s.latestId.get({ thread: key.thread, ns: key.ns }) as
					| string
					| undefined);
			if (id === undefined) return undefined;
			const row = s.tuple.get({ ...key, id }) as TupleRow | undefined;
			if (row === undefined) return undefined;
			const blobs = s.writesOf.all({ ...key, id }) as Uint8Array[];
			return [row, blobs] as [TupleRow, Uint8Array[]];
		}),

		readChain: db.transaction(
			(
				key: Key & { id: string },
				stopAt: ((id: string) => boolean) | undefined,
				withWrites: boolean,
			) => {
				// Without stopAt one recursive query walks the chain; with it, point lookups, so that a blob
				// past the stop is never read.
				const rows: ChainRow[] =
					stopAt === undefined
						? readChain(s, key)
						: readChainUntil(s, key, stopAt);
				if (withWrites)
					for (const row of rows)
						row.writes = s.writesOf.all({
							...key,
							id: row.checkpoint_id,
						}) as Uint8Array[];
				return rows;
			},
		),

		prune: db.transaction((threadId: string, options: PruneOptions) => {
			let removed = 0;
			for (const ns of s.namespaces.all(threadId) as string[]) {
				const gone = pruneNamespace(
					s,
					serializer,
					{ thread: threadId, ns },
					options,
				);
				// removing checkpoints changes the root count, and a kept parent whose children all went is a head
				if (ns === "" && gone > 0) s.fillRoot.run({ thread: threadId });
				removed += gone;
			}
			return removed;
		}).immediate,

		rootHeads: db.transaction((thread: string) => {
			const known = s.rootHeadsOf.get(thread) as string | null | undefined;
			return (
				typeof known === "string"
					? s.headsByIds.all({ thread, ids: known })
					: s.heads.all({ thread, ns: "" })
			) as SummaryRow[];
		}),

		deleteThread: db.transaction((threadId: string) => {
			s.raiseLeaseFloor.run(threadId);
			s.deleteThreadWrites.run(threadId);
			s.deleteThreadCheckpoints.run(threadId);
			s.deleteThread.run(threadId);
		}).immediate,
	};
}
