import { isUnreadableData } from "./errors.ts";
import type {
	CheckpointData,
	CheckpointMetadata,
	PendingWrite,
} from "./record.ts";
import type { BlobPlace, Serializer } from "./serializer.ts";
import { corruptCheckpoint } from "./store-errors.ts";

// What every store does with stored bytes on read: deserialize at the blob's place and check the shape,
// so that damaged rows give CORRUPT_CHECKPOINT naming the thread and checkpoint, never a TypeError later.

const WRITE_KINDS = new Set([
	"done",
	"interrupt",
	"resume",
	"once",
	"once-start",
	"error",
]);

/** A checkpoint's data blob; `snapshot` is the row's snapshot flag (the blob must then hold one). */
export function readCheckpointData(
	serializer: Serializer,
	bytes: Uint8Array,
	place: BlobPlace,
	snapshot: boolean,
): CheckpointData {
	const value = decode(serializer, bytes, place, "data");
	const problem = dataProblem(value, snapshot);
	if (problem !== undefined) throw corruptCheckpoint(place, problem);
	return value as CheckpointData;
}

/** One pending write recorded at the checkpoint named by `place`. */
export function readPendingWrite(
	serializer: Serializer,
	bytes: Uint8Array,
	place: BlobPlace,
): PendingWrite {
	const value = decode(serializer, bytes, place, "pending write");
	if (
		!isRecord(value) ||
		typeof value.kind !== "string" ||
		!WRITE_KINDS.has(value.kind) ||
		typeof value.taskId !== "string"
	)
		throw corruptCheckpoint(
			place,
			"a pending write is not a write record (kind and taskId)",
		);
	return value as unknown as PendingWrite;
}

/** Metadata stored as JSON text (SQL stores): an object with a boolean `snapshot`. */
export function readMetadata(
	text: unknown,
	place: { threadId: string; ns?: string | undefined; checkpointId: string },
): CheckpointMetadata {
	let value: unknown = text;
	if (typeof text === "string") {
		try {
			value = JSON.parse(text);
		} catch (error) {
			throw corruptCheckpoint(place, "its metadata is not JSON", error);
		}
	}
	if (!isRecord(value) || typeof value.snapshot !== "boolean")
		throw corruptCheckpoint(
			place,
			"its metadata is not an object with a snapshot flag",
		);
	return value as CheckpointMetadata;
}

function decode(
	serializer: Serializer,
	bytes: Uint8Array,
	place: BlobPlace,
	what: string,
): unknown {
	try {
		return serializer.deserialize(bytes, place);
	} catch (error) {
		// A wrong or missing key, or a type this process cannot rebuild, is not damage: keep its code
		// and hint. The serializer's CORRUPT_CHECKPOINT already names the place.
		if (isUnreadableData(error)) throw error;
		const detail = error instanceof Error ? error.message : String(error);
		throw corruptCheckpoint(
			place,
			`its ${what} does not deserialize (${detail})`,
			error,
		);
	}
}

function dataProblem(value: unknown, snapshot: boolean): string | undefined {
	if (!isRecord(value)) return "its data is not an object";
	if (!Array.isArray(value.writes)) return "its data has no writes list";
	for (const w of value.writes)
		if (
			!Array.isArray(w) ||
			typeof w[0] !== "string" ||
			typeof w[1] !== "string"
		)
			return "its data holds a write that is not [node, channel, value]";
	if (!Array.isArray(value.tasks)) return "its data has no task list";
	for (const t of value.tasks)
		if (!isRecord(t) || typeof t.id !== "string" || typeof t.node !== "string")
			return "its data holds a task without id and node";
	if (snapshot && !isRecord(value.snapshot))
		return "it is marked as a snapshot but its data holds none";
	if (value.snapshot !== undefined && !isRecord(value.snapshot))
		return "its snapshot is not an object";
	if (value.joins !== undefined && !isRecord(value.joins))
		return "its joins are not an object";
	return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
