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
	if (!isRecord(value) || typeof value.taskId !== "string")
		throw corruptCheckpoint(
			place,
			"a pending write is not a write record (kind and taskId)",
		);
	const problem = writeProblem(value);
	if (problem !== undefined)
		throw corruptCheckpoint(place, `a pending write ${problem}`);
	return value as unknown as PendingWrite;
}

/** What is wrong with a pending write's fields for its kind (`PendingWrite`), if anything. */
function writeProblem(w: Record<string, unknown>): string | undefined {
	switch (w.kind) {
		case "done":
			if (typeof w.node !== "string" || !Array.isArray(w.writes))
				return "of kind done has no node or writes list";
			for (const x of w.writes)
				if (!isChannelWrite(x))
					return "of kind done holds a write that is not [node, channel, value]";
			if (
				w.goto !== undefined &&
				!(Array.isArray(w.goto) && w.goto.every(isGoto))
			)
				return "of kind done has a goto that is not a list of nodes and sends";
			return undefined;
		case "interrupt":
			if (
				typeof w.node !== "string" ||
				typeof w.id !== "string" ||
				!isIndex(w.index)
			)
				return "of kind interrupt has no node, id or index";
			if (w.when !== undefined && w.when !== "before" && w.when !== "after")
				return "of kind interrupt has a when that is neither before nor after";
			if (!optionalString(w.subgraph) || !optionalString(w.subgraphCheckpoint))
				return "of kind interrupt names its subgraph with something other than text";
			if (w.beforeUpdate !== undefined && w.beforeUpdate !== true)
				return "of kind interrupt has a beforeUpdate flag that is not true";
			return undefined;
		case "resume":
			return isIndex(w.index) ? undefined : "of kind resume has no index";
		case "once":
		case "once-start":
			if (typeof w.key !== "string") return `of kind ${w.kind} has no key`;
			if (
				w.usage !== undefined &&
				!(Array.isArray(w.usage) && w.usage.every(isAnswerCost))
			)
				return "of kind once has a usage that is no list of costs (inputTokens, outputTokens)";
			return w.answer === undefined || w.answer === true
				? undefined
				: "of kind once has an answer flag that is not true";
		case "error":
			return typeof w.node === "string" &&
				typeof w.code === "string" &&
				typeof w.message === "string" &&
				optionalString(w.hint)
				? w.stopped === undefined || w.stopped === true
					? undefined
					: "of kind error has a stopped flag that is not true"
				: "of kind error has no node, code or message";
		case "usage":
			if (!isUsage(w.usage))
				return "of kind usage has no step usage (calls, byModel, byNode)";
			return w.subgraphs === undefined ||
				(isRecord(w.subgraphs) &&
					Object.values(w.subgraphs).every((id) => typeof id === "string"))
				? undefined
				: "of kind usage names its subgraphs' checkpoints with something other than text";
		default:
			return "is not a write record (kind and taskId)";
	}
}

/** A step's usage as a `usage` record holds it (decision 0206): what the sums it goes into read. */
const isUsage = (u: unknown): boolean =>
	isRecord(u) &&
	typeof u.calls === "number" &&
	typeof u.inputTokens === "number" &&
	typeof u.outputTokens === "number" &&
	isRecord(u.byModel) &&
	isRecord(u.byNode);

/** One report of an answer's cost (decision 0217). */
const isAnswerCost = (c: unknown): boolean =>
	isRecord(c) &&
	typeof c.inputTokens === "number" &&
	typeof c.outputTokens === "number" &&
	optionalString(c.model) &&
	optionalNumber(c.cachedTokens) &&
	optionalNumber(c.costUsd) &&
	optionalNumber(c.calls);
const optionalNumber = (x: unknown): boolean =>
	x === undefined || typeof x === "number";

const isChannelWrite = (x: unknown): boolean =>
	Array.isArray(x) && typeof x[0] === "string" && typeof x[1] === "string";
const isGoto = (x: unknown): boolean =>
	typeof x === "string" || (isRecord(x) && typeof x.node === "string");
/** A call's place in its node (-1: a pause before the node). */
const isIndex = (x: unknown): boolean => Number.isInteger(x);
const optionalString = (x: unknown): boolean =>
	x === undefined || typeof x === "string";

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
		if (!isChannelWrite(w))
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
