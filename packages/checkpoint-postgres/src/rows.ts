import type {
	BlobPlace,
	CheckpointData,
	CheckpointSummary,
	CheckpointTuple,
	Lease,
	PendingWrite,
	Serializer,
	StoredCheckpoint,
	ThreadInfo,
} from "@weft/checkpoint";
import { isWeftError } from "@weft/checkpoint";
import { corrupt } from "./store-errors.ts";

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

const placeOf = (row: SummaryRow): BlobPlace => ({
	threadId: row.thread_id,
	ns: row.ns,
	checkpointId: row.checkpoint_id,
});

/** A summary; `CORRUPT_CHECKPOINT` when the metadata is not an object. */
export function summaryOf(row: SummaryRow): CheckpointSummary {
	const m = row.metadata;
	if (typeof m !== "object" || m === null || Array.isArray(m))
		throw corrupt(placeOf(row), "its metadata is not an object");
	return {
		threadId: row.thread_id,
		ns: row.ns,
		checkpointId: row.checkpoint_id,
		parentId: row.parent_id,
		step: row.step,
		source: row.source,
		createdAt: row.created_at,
		metadata: m as CheckpointSummary["metadata"],
		size: row.size,
		seq: Number(row.seq),
	};
}

/** A full checkpoint: its blob decoded at its place and checked for shape, or `CORRUPT_CHECKPOINT`. */
export function storedOf(
	row: DataRow,
	serializer: Serializer,
): StoredCheckpoint {
	const summary = summaryOf(row);
	const place = placeOf(row);
	const data = decode(serializer, row.data, place, "its data");
	const why = dataProblem(data, row.has_snapshot || summary.metadata.snapshot);
	if (why !== undefined) throw corrupt(place, why);
	return { ...summary, data: data as CheckpointData };
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
	return {
		checkpoint: storedOf(row, serializer),
		pendingWrites: writesOf(row.writes, placeOf(row), serializer),
		hasChildren: row.has_children,
	};
}

/** Pending writes decoded at the checkpoint's place and checked for shape. */
export function writesOf(
	blobs: Buffer[],
	place: BlobPlace,
	serializer: Serializer,
): PendingWrite[] {
	return blobs.map((blob, i) => {
		const write = decode(serializer, blob, place, `pending write ${i}`);
		if (!isPendingWrite(write))
			throw corrupt(place, `pending write ${i} is not a pending write`);
		return write;
	});
}

/**
 * Decodes one blob. A damaged blob surfaces as whatever the serializer throws (a SyntaxError, a
 * TypeError); it becomes CORRUPT_CHECKPOINT naming the place. A key problem (DECRYPTION_FAILED) and a
 * CORRUPT_CHECKPOINT of the serializer's own pass through.
 */
function decode(
	serializer: Serializer,
	bytes: Buffer,
	place: BlobPlace,
	what: string,
): unknown {
	try {
		return serializer.deserialize(bytes, place);
	} catch (error) {
		if (
			isWeftError(error, "DECRYPTION_FAILED") ||
			isWeftError(error, "CORRUPT_CHECKPOINT")
		)
			throw error;
		const message = error instanceof Error ? error.message : String(error);
		throw corrupt(place, `${what} does not decode (${message})`, error);
	}
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with decoded checkpoint data, if anything. */
function dataProblem(data: unknown, snapshot: boolean): string | undefined {
	if (!isObject(data)) return "its data is not an object";
	const { writes, tasks } = data;
	if (
		!Array.isArray(writes) ||
		!writes.every(
			(w) =>
				Array.isArray(w) &&
				w.length === 3 &&
				typeof w[0] === "string" &&
				typeof w[1] === "string",
		)
	)
		return "its writes are not a list of [node, channel, value]";
	if (
		!Array.isArray(tasks) ||
		!tasks.every(
			(t) =>
				isObject(t) && typeof t.id === "string" && typeof t.node === "string",
		)
	)
		return "its tasks are not a list of { id, node }";
	if (data.snapshot !== undefined && !isObject(data.snapshot))
		return "its snapshot is not an object";
	if (snapshot && data.snapshot === undefined)
		return "it is marked as holding a snapshot but has none";
	if (data.joins !== undefined && !isObject(data.joins))
		return "its joins are not an object";
	return undefined;
}

const KINDS = new Set([
	"done",
	"interrupt",
	"resume",
	"once",
	"once-start",
	"error",
]);

function isPendingWrite(w: unknown): w is PendingWrite {
	return (
		isObject(w) && KINDS.has(w.kind as string) && typeof w.taskId === "string"
	);
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
		expiresAt: row.lease_expires.toISOString(),
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
