import type {
	BlobPlace,
	ChainRecord,
	CheckpointSource,
	CheckpointSummary,
	PendingWrite,
	Serializer,
	StoredCheckpoint,
} from "@weft/checkpoint";
import {
	checkStoredColumns,
	readCheckpointData,
	readMetadata,
	readPendingWrite,
} from "@weft/checkpoint";

/** The summary columns of a `checkpoints` row (statements.ts `SUMMARY_COLUMNS`). */
export interface SummaryRow {
	checkpoint_id: string;
	parent_id: string | null;
	seq: number;
	step: number;
	source: CheckpointSource;
	created_at: string;
	metadata: string;
	size: number;
}

/** A full row: the summary, the snapshot flag and the blob. */
export interface DataRow extends SummaryRow {
	has_snapshot: number;
	data: Uint8Array;
}

/** A summary; damaged metadata is CORRUPT_CHECKPOINT naming the checkpoint. */
export function summaryOf(
	threadId: string,
	ns: string,
	row: SummaryRow,
): CheckpointSummary {
	const checkpointId = row.checkpoint_id;
	const place = { threadId, ns, checkpointId };
	const { step, source } = checkStoredColumns(row.step, row.source, place);
	return {
		threadId,
		ns,
		checkpointId,
		parentId: row.parent_id,
		step,
		source,
		createdAt: row.created_at,
		metadata: readMetadata(row.metadata, place),
		size: row.size,
		seq: row.seq,
	};
}

/** A checkpoint with its data, deserialized at its place and checked (CORRUPT_CHECKPOINT when damaged). */
export function storedOf(
	threadId: string,
	ns: string,
	row: DataRow,
	serializer: Serializer,
): StoredCheckpoint {
	const place = { threadId, ns, checkpointId: row.checkpoint_id };
	return {
		...summaryOf(threadId, ns, row),
		data: readCheckpointData(
			serializer,
			row.data,
			place,
			row.has_snapshot !== 0,
		),
	};
}

/** A row of a chain read, with its pending writes' blobs when they were asked for. */
export type ChainRow = DataRow & { writes?: Uint8Array[] };

/** `storedOf` of a chain row, with its pending writes decoded when the row carries them (`withWrites`). */
export function chainRecordOf(
	threadId: string,
	ns: string,
	row: ChainRow,
	serializer: Serializer,
): ChainRecord {
	const record: ChainRecord = storedOf(threadId, ns, row, serializer);
	if (row.writes !== undefined) {
		const place = { threadId, ns, checkpointId: row.checkpoint_id };
		record.pendingWrites = row.writes.map((b) =>
			readPendingWrite(serializer, b, place),
		);
	}
	return record;
}

/** Pending writes as rows of the `writes` table: each write's kind and its blob, serialized at `place`. */
export function writeRows(
	serializer: Serializer,
	writes: readonly PendingWrite[] | undefined,
	place: BlobPlace,
): Array<[kind: string, blob: Uint8Array]> {
	return (writes ?? []).map((w) => [w.kind, serializer.serialize(w, place)]);
}
