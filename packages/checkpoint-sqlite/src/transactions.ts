import type {
	CheckpointRecord,
	PruneOptions,
	PutOptions,
	Serializer,
} from "@weft/checkpoint";
import type Database from "better-sqlite3";
import { pruneNamespace } from "./prune-namespace.ts";
import type { DataRow, SummaryRow } from "./rows.ts";
import type { Statements } from "./statements.ts";
import { conflict, notFound, sqliteCode } from "./store-errors.ts";

/** Names a namespace of a thread (statement parameters `@thread`, `@ns`). */
export type Key = { thread: string; ns: string };
export type TupleRow = SummaryRow & { data: Uint8Array; has_children: number };

/** The database work of each method: synchronous, each a single transaction, on cached statements. */
export interface Transactions {
	/** Writes (BEGIN IMMEDIATE): checks the parent and `exclusive` under the write lock, then stores. */
	put(record: CheckpointRecord, data: Uint8Array, options: PutOptions): void;
	putWrites(key: Key & { id: string }, blobs: Uint8Array[]): void;
	/** Reads a checkpoint (or the newest), its pending writes and whether it has children, in one snapshot. */
	readTuple(
		key: Key & { id?: string | undefined },
	): [TupleRow, Uint8Array[]] | undefined;
	/** Reads a chain newest first by point lookups, asking `stopAt` before each parent; returns it oldest first. */
	readChainUntil(
		key: Key & { id: string },
		stopAt: (id: string) => boolean,
	): DataRow[];
	prune(threadId: string, options: PruneOptions): number;
	deleteThread(threadId: string): void;
}

export function transactions(
	db: Database.Database,
	s: Statements,
	serializer: Serializer,
): Transactions {
	return {
		put: db.transaction(
			(record: CheckpointRecord, data: Uint8Array, options: PutOptions) => {
				const { threadId: thread, ns, parentId } = record;
				const exclusive = options.exclusive === true;
				if (parentId !== null) {
					if (s.exists.get({ thread, ns, id: parentId }) === undefined)
						throw notFound(thread, ns, parentId);
					if (
						exclusive &&
						s.hasChild.get({ thread, ns, id: parentId }) !== undefined
					)
						throw conflict(record);
				} else if (exclusive && s.hasAny.get({ thread, ns }) !== undefined)
					throw conflict(record);
				try {
					s.insert.run(
						thread,
						ns,
						record.checkpointId,
						parentId,
						record.step,
						record.source,
						record.createdAt,
						JSON.stringify(record.metadata),
						data.byteLength,
						record.metadata.snapshot ? 1 : 0,
						data,
					);
				} catch (error) {
					// The same id twice: MemoryCheckpointer reports it as a conflict too.
					if (sqliteCode(error) === "SQLITE_CONSTRAINT_UNIQUE")
						throw conflict(record);
					throw error;
				}
				if (parentId !== null && options.dropParentWrites === true)
					s.dropWritesOf.run({ thread, ns, id: parentId });
				s.touchThread.run(thread, record.createdAt, record.createdAt);
			},
		).immediate,

		putWrites: db.transaction(
			(key: Key & { id: string }, blobs: Uint8Array[]) => {
				if (s.exists.get(key) === undefined)
					throw notFound(key.thread, key.ns, key.id);
				let seq = s.nextSeq.get(key) as number;
				for (const blob of blobs)
					s.insertWrite.run(key.thread, key.ns, key.id, seq++, blob);
			},
		).immediate,

		readTuple: db.transaction((key: Key & { id?: string | undefined }) => {
			const row = (
				key.id === undefined
					? s.latestTuple.get({ thread: key.thread, ns: key.ns })
					: s.tuple.get(key)
			) as TupleRow | undefined;
			if (row === undefined) return undefined;
			const blobs = s.writesOf.all({
				thread: key.thread,
				ns: key.ns,
				id: row.checkpoint_id,
			}) as Uint8Array[];
			return [row, blobs] as [TupleRow, Uint8Array[]];
		}),

		readChainUntil: db.transaction(
			(key: Key & { id: string }, stopAt: (id: string) => boolean) => {
				const rows: DataRow[] = [];
				let id: string | null = key.id;
				while (id !== null) {
					if (rows.length > 0 && stopAt(id)) break;
					const row = s.row.get({ ...key, id }) as DataRow | undefined;
					if (row === undefined) throw notFound(key.thread, key.ns, id);
					rows.push(row);
					if (row.has_snapshot !== 0) break;
					id = row.parent_id;
				}
				return rows.reverse();
			},
		),

		prune: db.transaction((threadId: string, options: PruneOptions) => {
			let removed = 0;
			for (const ns of s.namespaces.all(threadId) as string[])
				removed += pruneNamespace(
					s,
					serializer,
					{ thread: threadId, ns },
					options,
				);
			return removed;
		}).immediate,

		deleteThread: db.transaction((threadId: string) => {
			s.deleteThreadWrites.run(threadId);
			s.deleteThreadCheckpoints.run(threadId);
			s.deleteThread.run(threadId);
		}).immediate,
	};
}
