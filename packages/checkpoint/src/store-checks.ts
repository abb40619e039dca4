import type { CheckpointRef, ThreadRef } from "./checkpointer.ts";
import { CheckpointError } from "./errors.ts";
import type {
	CheckpointSource,
	StoredThreadStatus,
	ThreadStatus,
} from "./record.ts";
import type { BlobPlace } from "./serializer.ts";
import { corruptCheckpoint, invalidOption } from "./store-errors.ts";
import { validateId } from "./validate-id.ts";

// Input checks every store makes at its entry points, so that all backends refuse the same things.

const STORED_STATUSES: ReadonlySet<string> = new Set<StoredThreadStatus>([
	"running",
	"interrupted",
	"done",
	"failed",
	"cancelled",
]);

/** The ids of a record about to be stored (INVALID_ID). */
export function checkRecordIds(record: {
	threadId: string;
	ns: string;
	checkpointId: string;
	parentId: string | null;
}): void {
	validateId(record.threadId, "thread id");
	validateId(record.ns, "namespace");
	validateId(record.checkpointId, "checkpoint id");
	if (record.parentId !== null) validateId(record.parentId, "parent id");
}

/** The ids of a reference (INVALID_ID); returns the blob place when a checkpoint is named. */
export function checkRef(ref: CheckpointRef): BlobPlace;
export function checkRef(
	ref: ThreadRef & { checkpointId?: string | undefined },
): BlobPlace | undefined;
export function checkRef(
	ref: ThreadRef & { checkpointId?: string | undefined },
): BlobPlace | undefined {
	const threadId = validateId(ref?.threadId, "thread id");
	const ns = ref.ns === undefined ? "" : validateId(ref.ns, "namespace");
	if (ref.checkpointId === undefined) return undefined;
	return {
		threadId,
		ns,
		checkpointId: validateId(ref.checkpointId, "checkpoint id"),
	};
}

/** Exactly the place fields (a record or summary carries more, which must not reach the serializer). */
export function placeOf(x: BlobPlace): BlobPlace {
	return { threadId: x.threadId, ns: x.ns, checkpointId: x.checkpointId };
}

/** A status a store may record ("stale" is computed on read, never written). */
export function checkStoredStatus(status: unknown): StoredThreadStatus {
	if (typeof status === "string" && STORED_STATUSES.has(status))
		return status as StoredThreadStatus;
	throw invalidOption(
		`cannot record thread status ${JSON.stringify(status) ?? String(status)}`,
		`record one of ${[...STORED_STATUSES].join(", ")} ("stale" is only ever read)`,
	);
}

/** A lease duration: a positive, finite number of milliseconds. */
export function checkLeaseTtl(ttlMs: unknown): number {
	if (typeof ttlMs === "number" && Number.isFinite(ttlMs) && ttlMs > 0)
		return ttlMs;
	throw invalidOption(
		`a lease's ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`,
		"pass { ttlMs: 30_000 } (renew it well before it lapses)",
	);
}

/**
 * The status as read: a thread recorded as running whose lease is expired or absent reads as "stale"
 * (its runner died or lost the store). `expiresAt` and `now` in ms since the epoch.
 */
export function readStatus(
	stored: StoredThreadStatus,
	expiresAt: number | undefined,
	now: number,
): ThreadStatus {
	if (stored !== "running") return stored;
	return expiresAt !== undefined && expiresAt > now ? "running" : "stale";
}

/**
 * A record's metadata as JSON text, the way every store keeps it: a plain object of JSON values without
 * NUL characters (Postgres' jsonb cannot hold one). BigInts, cycles and the like are SERIALIZATION_FAILED
 * naming the checkpoint, before anything is written.
 */
export function metadataJson(record: {
	threadId: string;
	checkpointId: string;
	metadata: unknown;
}): string {
	const { metadata } = record;
	let text: string | undefined;
	let cause: unknown;
	let nul = false;
	const replacer = (key: string, value: unknown) => {
		if (
			key.includes("\0") ||
			(typeof value === "string" && value.includes("\0"))
		)
			nul = true;
		return value;
	};
	if (
		typeof metadata === "object" &&
		metadata !== null &&
		!Array.isArray(metadata) &&
		typeof (metadata as { snapshot?: unknown }).snapshot === "boolean"
	) {
		try {
			text = JSON.stringify(metadata);
			// JSON writes NUL as \u0000; only then look closer (a replacer is slow, and "\\u0000" is no NUL)
			if (text.includes("\\u0000")) JSON.stringify(metadata, replacer);
		} catch (error) {
			cause = error;
		}
	}
	const problem =
		text === undefined
			? cause === undefined
				? "it is not an object with a boolean snapshot flag"
				: `it is not JSON (${cause instanceof Error ? cause.message : String(cause)})`
			: nul
				? "it holds a NUL character"
				: undefined;
	if (problem === undefined) return text!;
	throw new CheckpointError(
		"SERIALIZATION_FAILED",
		`cannot store the metadata of checkpoint "${record.checkpointId}" of thread "${record.threadId}": ${problem}`,
		{
			hint: "run metadata must be plain JSON: strings without NUL, finite numbers, booleans, null, arrays and objects",
			...(cause === undefined ? {} : { cause }),
		},
	);
}

/** Sources a store writes (`CheckpointSource`). */
const SOURCES: ReadonlySet<unknown> = new Set<CheckpointSource>([
	"input",
	"loop",
	"update",
	"fork",
]);

/** Whether `step` is a checkpoint's step: a whole number from -1. */
function isStep(step: unknown): step is number {
	return typeof step === "number" && Number.isSafeInteger(step) && step >= -1;
}

/**
 * A record about to be stored (`put`): its ids (INVALID_ID), and its step and source as a read would
 * take them (CONFIG_INVALID), so no store writes a checkpoint that reads back as corrupt.
 */
export function checkNewRecord(record: {
	threadId: string;
	ns: string;
	checkpointId: string;
	parentId: string | null;
	step: unknown;
	source: unknown;
}): void {
	checkRecordIds(record);
	const { step, source } = record;
	const of = `checkpoint "${record.checkpointId}" of thread "${record.threadId}"`;
	if (!isStep(step))
		throw invalidOption(
			`cannot store ${of}: its step ${describeValue(step)} is not a whole number from -1`,
			"a checkpoint's step is its parent's step + 1 (0 for a first checkpoint, -1 for an input checkpoint as LangGraph numbers it)",
		);
	if (!SOURCES.has(source))
		throw invalidOption(
			`cannot store ${of}: its source ${describeValue(source)} is none of ${[...SOURCES].join(", ")}`,
			`give the record one of the sources ${[...SOURCES].join(", ")}`,
		);
}

function describeValue(value: unknown): string {
	return typeof value === "number"
		? String(value)
		: (JSON.stringify(value) ?? String(value));
}

/**
 * A stored summary's step and source as read, or `CORRUPT_CHECKPOINT`: a step is a whole number from -1
 * (an input checkpoint as LangGraph numbers it; Weft's own start at 0), a source one of
 * `CheckpointSource`.
 */
export function checkStoredColumns(
	step: unknown,
	source: unknown,
	place: BlobPlace,
): { step: number; source: CheckpointSource } {
	if (!isStep(step))
		throw corruptCheckpoint(
			place,
			`its step ${JSON.stringify(step)} is not a whole number from -1`,
		);
	if (!SOURCES.has(source))
		throw corruptCheckpoint(
			place,
			`its source ${JSON.stringify(source)} is none of input, loop, update, fork`,
		);
	return { step, source: source as CheckpointSource };
}
