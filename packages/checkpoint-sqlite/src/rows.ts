import type {
	CheckpointMetadata,
	CheckpointSource,
	CheckpointSummary,
	Serializer,
	StoredCheckpoint,
} from "@weft/checkpoint";

/** The summary columns of a `checkpoints` row (statements.ts `SUMMARY_COLUMNS`). */
export interface SummaryRow {
	checkpoint_id: string;
	parent_id: string | null;
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

export function summaryOf(
	threadId: string,
	ns: string,
	row: SummaryRow,
): CheckpointSummary {
	return {
		threadId,
		ns,
		checkpointId: row.checkpoint_id,
		parentId: row.parent_id,
		step: row.step,
		source: row.source,
		createdAt: row.created_at,
		metadata: JSON.parse(row.metadata) as CheckpointMetadata,
		size: row.size,
	};
}

export function storedOf(
	threadId: string,
	ns: string,
	row: SummaryRow & { data: Uint8Array },
	serializer: Serializer,
): StoredCheckpoint {
	return {
		...summaryOf(threadId, ns, row),
		data: serializer.deserialize(row.data) as StoredCheckpoint["data"],
	};
}
