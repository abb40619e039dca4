import type {
	ChannelWrite,
	CheckpointRecord,
	CheckpointSource,
	JsonValue,
	PendingWrite,
	StepUsage,
	TaskSpec,
} from "@weft/checkpoint";
import {
	isWeftError,
	newCheckpointId,
	thrownMessage,
	type WeftError,
} from "@weft/checkpoint";
import { copyOwn } from "./copy-own.ts";
import { type GraphNames, nodeOf } from "./graph-names.ts";
import {
	emptyMemory,
	interruptId,
	interruptIndex,
	type TaskMemory,
} from "./interrupts.ts";
import type { Outcome } from "./run-task.ts";
import { sameRequest } from "./same-request.ts";
import type { RunUsage } from "./usage.ts";

/** Where a step's records go: its checkpoint, namespace and the memory of its tasks. */
export interface StepPlace {
	checkpointId: string | undefined;
	ns: string;
	memory: Map<string, TaskMemory>;
	/** The model usage this run reported since its last checkpoint (undefined: none). */
	usage?: RunUsage | undefined;
	/** The subgraph checkpoints whose usage `usage` holds, by task (`UsageMeter.subgraphs`). */
	subgraphs?: Readonly<Record<string, string>> | undefined;
}

/**
 * The records a step that did not complete leaves at its checkpoint: the interrupts its tasks raised
 * (remembered in `memory`, so they are pending for this run too), the failure, if one failed, and the
 * model usage the run spent on the step (decision 0206), which no checkpoint holds.
 */
export function unfinishedRecords(
	place: StepPlace,
	interrupted: ReadonlyArray<Extract<Outcome, { kind: "interrupt" }>>,
	failed: Extract<Outcome, { kind: "error" }> | undefined,
): PendingWrite[] {
	const records: PendingWrite[] = [];
	for (const { task, raised } of interrupted) {
		const memory = place.memory.get(task.id) ?? emptyMemory();
		place.memory.set(task.id, memory);
		let next = 0; // the position after the task's last recorded interrupt
		for (const k of memory.interrupts.keys()) if (k >= next) next = k + 1;
		for (const r of raised) {
			// a subgraph's interrupts keep their ids and take the next free positions of the parent task; one
			// it asks again (still unanswered, its child run re-paused) is recorded there already
			if (r.id !== undefined && interruptIndex(memory, r.id) !== undefined)
				continue;
			const index = r.id === undefined ? r.index : next++;
			// a question asked again is recorded once, unless it was asked before an update and the node now
			// asks something else: then recorded anew under its id, the request as asked now (0174)
			const before = memory.interrupts.get(index);
			if (
				before !== undefined &&
				(before.beforeUpdate !== true || sameRequest(before.value, r.value))
			)
				continue;
			// asked anew: what was answered at and after it belonged to the request as it was
			if (before !== undefined) memory.askedAgain(index);
			const id =
				before?.id ??
				r.id ??
				interruptId(place.checkpointId ?? "", place.ns, task.id, index);
			const sub =
				r.subgraph === undefined
					? {}
					: r.subgraphCheckpoint === undefined
						? { subgraph: r.subgraph }
						: {
								subgraph: r.subgraph,
								subgraphCheckpoint: r.subgraphCheckpoint,
							};
			memory.interrupts.set(index, {
				id,
				node: task.node,
				value: r.value,
				...sub,
			});
			records.push({
				kind: "interrupt",
				taskId: task.id,
				node: task.node,
				id,
				index,
				value: r.value,
				...sub,
			});
		}
	}
	if (failed !== undefined) {
		const { error, task } = failed;
		const hint = isWeftError(error) ? error.hint : undefined;
		records.push({
			kind: "error",
			taskId: task.id,
			node: task.node,
			code: isWeftError(error) ? error.code : "NODE_FAILED",
			message: thrownMessage(error),
			...(hint === undefined ? {} : { hint }),
		});
	}
	const usage = usageRecord(place.usage, place.subgraphs);
	if (usage !== undefined) records.push(usage);
	return records;
}

/**
 * The record of what a run spent on a step it leaves unfinished (decision 0206), with the subgraph
 * checkpoints that usage goes up to (0211); none for nothing spent.
 */
export function usageRecord(
	usage: RunUsage | undefined,
	subgraphs: Readonly<Record<string, string>> | undefined,
): PendingWrite | undefined {
	if (usage === undefined || usage.calls === 0) return undefined;
	const record: Extract<PendingWrite, { kind: "usage" }> = {
		kind: "usage",
		taskId: "",
		usage: usage as unknown as StepUsage,
	};
	if (subgraphs !== undefined) record.subgraphs = { ...subgraphs };
	return record;
}

/**
 * Records of an error that stopped tasks without one of them failing (the recursion limit before a step, a
 * step's commit: `commit-failure.ts`): each task gets the error, as a failed task does, so the checkpoint
 * says why the thread failed there (execution ignores them: going on runs the tasks).
 */
export function errorRecords(
	tasks: ReadonlyArray<Pick<TaskSpec, "id" | "node">>,
	error: WeftError,
): PendingWrite[] {
	return tasks.map((task) => ({
		kind: "error",
		taskId: task.id,
		node: task.node,
		code: error.code,
		message: error.message,
		...(error.hint === undefined ? {} : { hint: error.hint }),
		stopped: true,
	}));
}

/** Records of a pause before or after nodes (`interruptBefore` / `interruptAfter`), remembered in `memory`. */
export function pauseRecords(
	place: StepPlace,
	items: ReadonlyArray<readonly [taskId: string, node: string]>,
	when: "before" | "after",
): PendingWrite[] {
	return items.map(([taskId, node], i) => {
		const index = when === "after" ? i : -1;
		const id = interruptId(
			place.checkpointId ?? "",
			place.ns,
			`${when}:${taskId}:${node}`,
			i,
		);
		const memory = place.memory.get(taskId) ?? emptyMemory();
		memory.interrupts.set(index, { id, node, value: null, when });
		place.memory.set(taskId, memory);
		return {
			kind: "interrupt",
			taskId,
			node,
			id,
			index,
			value: null,
			when,
		} as const;
	});
}

/** What a new checkpoint is made of. */
export interface CheckpointParts {
	threadId: string;
	ns: string;
	parentId: string | null;
	step: number;
	source: CheckpointSource;
	writes: ChannelWrite[];
	nodes: string[];
	tasks: TaskSpec[];
	joins: Record<string, string[]>;
	/** The full state, when this checkpoint carries a snapshot. */
	snapshot: Record<string, unknown> | undefined;
	metadata: Record<string, string | number | boolean | null> | undefined;
	/** `metadata` was made for this checkpoint alone: the record keeps it instead of a copy. */
	ownMetadata?: boolean;
	parentTask: string | undefined;
	/** Set on a branch's copy of a checkpoint (source "fork"): the checkpoint it copies. */
	forkOf?: string | undefined;
	/** Model usage reported during the step (kept in metadata for the thread's totals). */
	usage?: RunUsage | undefined;
	/** The state schema's fingerprint (decision 0018). */
	schema?: string | undefined;
	/** The graph's names, whose one-name lists the metadata shares. */
	names?: GraphNames | undefined;
}

/**
 * Builds the record of a new checkpoint. Written with assignments, not object spreads: in Node 20 a
 * literal that spreads an object and adds keys costs ≈ 1 µs, several times the rest of this function.
 */
export function checkpointRecord(p: CheckpointParts): CheckpointRecord {
	const metadata =
		p.ownMetadata === true && p.metadata !== undefined
			? (p.metadata as Record<string, JsonValue>)
			: copyOwn<Record<string, JsonValue>>({}, p.metadata);
	if (p.parentTask !== undefined) metadata.parentTask = p.parentTask;
	if (p.forkOf !== undefined) metadata.forkOf = p.forkOf;
	if (p.usage !== undefined && p.usage.calls !== 0)
		metadata.usage = p.usage as unknown as JsonValue;
	if (p.schema !== undefined) metadata.schemaFingerprint = p.schema;
	metadata.nodes = p.nodes;
	metadata.changed = changedKeys(p.writes, p.names);
	metadata.next =
		p.names === undefined ? p.tasks.map(nodeOf) : p.names.map(p.tasks, nodeOf);
	metadata.snapshot = p.snapshot !== undefined;
	const data: CheckpointRecord["data"] = { writes: p.writes, tasks: p.tasks };
	for (const _ in p.joins) {
		data.joins = p.joins;
		break;
	}
	if (p.snapshot !== undefined) data.snapshot = p.snapshot;
	return {
		threadId: p.threadId,
		ns: p.ns,
		checkpointId: newCheckpointId(),
		parentId: p.parentId,
		step: p.step,
		source: p.source,
		createdAt: isoNow(),
		metadata: metadata as CheckpointRecord["metadata"],
		data,
	};
}

/** The keys a step's writes changed, in first-written order. */
function changedKeys(
	writes: readonly ChannelWrite[],
	lists: GraphNames | undefined,
): string[] {
	if (writes.length === 1) {
		const key = writes[0]![1];
		return lists === undefined ? [key] : lists.one(key);
	}
	return [...new Set(writes.map((w) => w[1]))];
}

let isoMs = -1;
let iso = "";
/** The second `ISO` holds the date and time of day of ("…T12:34:56."), as char codes: see `isoNow`. */
let isoSec = Number.NaN;
const ISO: number[] = new Array<number>(24).fill(90); // "Z"
const ZERO = 48;

/**
 * The time as an ISO string, exactly as `toISOString` writes it, made once per millisecond. The date and
 * time of day are written once per second and the milliseconds put after them (`toISOString` costs ≈ 1 µs
 * in Node 20, and nearly every step of an agent starts a new millisecond: perf, issue 17), into one flat
 * string (a store keeps it with the checkpoint: see `newCheckpointId`).
 */
export function isoNow(ms = Date.now()): string {
	if (ms === isoMs) return iso;
	isoMs = ms;
	const sec = Math.floor(ms / 1000);
	if (sec !== isoSec) {
		const text = new Date(ms).toISOString();
		// years 0–9999 only: others are written with a sign and six digits, left to toISOString
		if (text.length !== 24) {
			isoSec = Number.NaN;
			iso = text;
			return iso;
		}
		isoSec = sec;
		for (let i = 0; i < 20; i++) ISO[i] = text.charCodeAt(i);
	}
	const milli = ms - sec * 1000;
	ISO[20] = ZERO + Math.floor(milli / 100);
	ISO[21] = ZERO + (Math.floor(milli / 10) % 10);
	ISO[22] = ZERO + (milli % 10);
	iso = String.fromCharCode.apply(null, ISO);
	return iso;
}
