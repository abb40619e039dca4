// The shapes of what stores deserialize: a checkpoint's data and its pending writes. A blob that parses
// but is not one of these (`j{}`, `jnull`, a snapshot flag without a snapshot) is CORRUPT_CHECKPOINT.
import { unreadable } from "./read-errors.ts";
import type { CheckpointData, PendingWrite } from "./record.ts";
import type { BlobPlace } from "./serializer.ts";

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isIndex = (v: unknown): v is number =>
	Number.isSafeInteger(v) && (v as number) >= 0;

function isChannelWrite(v: unknown): boolean {
	return Array.isArray(v) && v.length === 3 && isString(v[0]) && isString(v[1]);
}

function isTask(v: unknown): boolean {
	return isRecord(v) && isString(v.id) && isString(v.node);
}

/**
 * Checks deserialized checkpoint data against `CheckpointData` (unknown extra keys are kept). With
 * `metadata`, a checkpoint flagged as a snapshot must hold one.
 * @example
 * const data = checkCheckpointData(serializer.deserialize(row.data, place), place, metadata);
 */
export function checkCheckpointData(
	data: unknown,
	place: BlobPlace,
	metadata?: { snapshot?: unknown },
): CheckpointData {
	const bad = (what: string) => unreadable(place, `its data ${what}`);
	if (!isRecord(data)) throw bad(`is ${describe(data)}, not an object`);
	if (!Array.isArray(data.writes) || !data.writes.every(isChannelWrite))
		throw bad("has no list of [node, channel, value] writes");
	if (!Array.isArray(data.tasks) || !data.tasks.every(isTask))
		throw bad("has no list of tasks");
	if (data.snapshot !== undefined && !isRecord(data.snapshot))
		throw bad("has a snapshot that is not an object");
	if (metadata?.snapshot === true && data.snapshot === undefined)
		throw bad("has no snapshot, though its metadata says it has one");
	if (
		data.joins !== undefined &&
		!(
			isRecord(data.joins) &&
			Object.values(data.joins).every(
				(j) => Array.isArray(j) && j.every(isString),
			)
		)
	)
		throw bad("has malformed joins");
	return data as unknown as CheckpointData;
}

const WRITE_FIELDS: Record<
	PendingWrite["kind"],
	(w: Record<string, unknown>) => boolean
> = {
	done: (w) =>
		isString(w.node) &&
		Array.isArray(w.writes) &&
		w.writes.every(isChannelWrite) &&
		(w.goto === undefined ||
			(Array.isArray(w.goto) &&
				w.goto.every((g) => isString(g) || (isRecord(g) && isString(g.node))))),
	interrupt: (w) =>
		isString(w.node) &&
		isString(w.id) &&
		isIndex(w.index) &&
		"value" in w &&
		(w.when === undefined || w.when === "before" || w.when === "after"),
	resume: (w) => isIndex(w.index) && "value" in w,
	once: (w) => isString(w.key) && "value" in w,
	"once-start": (w) => isString(w.key),
	error: (w) => isString(w.node) && isString(w.code) && isString(w.message),
};

/** Checks a deserialized pending write against `PendingWrite`. */
export function checkPendingWrite(
	write: unknown,
	place: BlobPlace,
): PendingWrite {
	if (!isRecord(write) || !isString(write.taskId))
		throw unreadable(
			place,
			`a pending write is ${describe(write)}, not a task's record`,
		);
	const kind = write.kind;
	const check =
		isString(kind) && Object.hasOwn(WRITE_FIELDS, kind)
			? WRITE_FIELDS[kind as PendingWrite["kind"]]
			: undefined;
	if (check === undefined)
		throw unreadable(
			place,
			`a pending write has an unknown kind ${JSON.stringify(kind) ?? "undefined"}`,
		);
	if (!check(write))
		throw unreadable(
			place,
			`a pending write of kind "${kind}" is missing fields or has wrong ones`,
		);
	return write as PendingWrite;
}

function describe(value: unknown): string {
	if (value === null) return "null";
	if (Array.isArray(value)) return "a list";
	if (isRecord(value)) return "an object without the expected fields";
	return `a ${typeof value}`;
}
