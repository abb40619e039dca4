import type {
	BlobPlace,
	CheckpointSummary,
	CheckpointTuple,
	Lease,
	Serializer,
	StoredCheckpoint,
	ThreadInfo,
} from "@weft/checkpoint";
import {
	checkStoredColumns,
	readCheckpointData,
	readMetadata,
	readPendingWrite,
} from "@weft/checkpoint";

/** The summary columns of a `checkpoints` row (statements.ts `SUMMARY`). */
export interface SummaryRow {
	thread_id: string;
	ns: string;
	checkpoint_id: string;
	parent_id: string | null;
	step: number;
	source: CheckpointSummary["source"];
	created_at: string;
	metadata: unknown;
	size: number;
	/** BIGINT: pg hands it over as a string. */
	seq: string;
}

export interface DataRow extends SummaryRow {
	has_snapshot: boolean;
	data: Buffer;
}

export const placeOf = (row: SummaryRow): BlobPlace => ({
	threadId: row.thread_id,
	ns: row.ns,
	checkpointId: row.checkpoint_id,
});

/** A summary; `CORRUPT_CHECKPOINT` when the metadata is not an object with a snapshot flag. */
export function summaryOf(row: SummaryRow): CheckpointSummary {
	const place = placeOf(row);
	const { step, source } = checkStoredColumns(row.step, row.source, place);
	return {
		threadId: row.thread_id,
		ns: row.ns,
		checkpointId: row.checkpoint_id,
		parentId: row.parent_id,
		step,
		source,
		createdAt: row.created_at,
		metadata: readMetadata(row.metadata, place),
		size: row.size,
		seq: Number(row.seq),
	};
}

/**
 * A full checkpoint: its blob decoded at its place and checked for shape, or `CORRUPT_CHECKPOINT`. The
 * row's flag (the column the chain walk stops at) says whether it must hold a snapshot.
 */
export function storedOf(
	row: DataRow,
	serializer: Serializer,
): StoredCheckpoint {
	const summary = summaryOf(row);
	const snapshot = row.has_snapshot || summary.metadata.snapshot;
	const data = readCheckpointData(serializer, row.data, placeOf(row), snapshot);
	return { ...summary, data };
}

/** A row of the `tuple` statements: a checkpoint with its pending writes' blobs. */
export interface TupleRow extends DataRow {
	has_children: boolean;
	writes: Buffer[];
}

export function tupleOf(
	row: TupleRow,
	serializer: Serializer,
): CheckpointTuple {
	const place = placeOf(row);
	return {
		checkpoint: storedOf(row, serializer),
		pendingWrites: row.writes.map((w) =>
			readPendingWrite(serializer, w, place),
		),
		hasChildren: row.has_children,
	};
}

/** A row of the `threads` statement. */
export interface ThreadRow {
	thread_id: string;
	status: ThreadInfo["status"];
	created_at: string;
	updated_at: string;
	lease_token: string;
	lease_owner: string | null;
	lease_expires: Date | null;
	checkpoint_id: string | null;
	step: number | null;
	checkpoints: number;
	heads: string[];
}

/**
 * A lease's expiry as an ISO string; one that is no time (pg reads 'infinity' as a number) is the epoch, a
 * lapsed lease, as the queries read it (statements.ts `LAPSED`), never a TypeError.
 */
function expiryOf(expires: unknown): string {
	return expires instanceof Date && !Number.isNaN(expires.getTime())
		? expires.toISOString()
		: new Date(0).toISOString();
}

/** The lease columns of a thread row, or null when no runner holds it. */
export function leaseOf(
	threadId: string,
	row: Pick<ThreadRow, "lease_token" | "lease_owner" | "lease_expires">,
): Lease | null {
	if (row.lease_owner === null || row.lease_expires === null) return null;
	return {
		threadId,
		token: Number(row.lease_token),
		owner: row.lease_owner,
		expiresAt: expiryOf(row.lease_expires),
	};
}

export function threadOf(row: ThreadRow): ThreadInfo {
	return {
		threadId: row.thread_id,
		status: row.status,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		checkpointId: row.checkpoint_id ?? null,
		step: row.step ?? -1,
		checkpoints: row.checkpoints,
		heads: row.heads,
		lease: leaseOf(row.thread_id, row),
	};
}
