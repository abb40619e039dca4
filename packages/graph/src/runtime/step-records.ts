import type {
	ChannelWrite,
	CheckpointRecord,
	CheckpointSource,
	JsonValue,
	PendingWrite,
	TaskSpec,
} from "@weft/checkpoint";
import { isWeftError, newCheckpointId } from "@weft/checkpoint";
import { emptyMemory, interruptId, type TaskMemory } from "./interrupts.ts";
import type { Outcome } from "./run-task.ts";
import type { RunUsage } from "./usage.ts";

/** Where a step's records go: its checkpoint, namespace and the memory of its tasks. */
export interface StepPlace {
	checkpointId: string | undefined;
	ns: string;
	memory: Map<string, TaskMemory>;
}

/**
 * The records a step that did not complete leaves at its checkpoint: the interrupts its tasks raised
 * (remembered in `memory`, so they are pending for this run too) and the failure, if one failed.
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
		let next = Math.max(-1, ...memory.interrupts.keys()) + 1;
		for (const r of raised) {
			// a subgraph's interrupts keep their ids and take the next free positions of the parent task
			const index = r.id === undefined ? r.index : next++;
			if (memory.interrupts.has(index)) continue;
			const id =
				r.id ?? interruptId(place.checkpointId ?? "", place.ns, task.id, index);
			memory.interrupts.set(index, { id, node: task.node, value: r.value });
			records.push({
				kind: "interrupt",
				taskId: task.id,
				node: task.node,
				id,
				index,
				value: r.value,
			});
		}
	}
	if (failed !== undefined) {
		const { error, task } = failed;
		records.push({
			kind: "error",
			taskId: task.id,
			node: task.node,
			code: isWeftError(error) ? error.code : "NODE_FAILED",
			message: error instanceof Error ? error.message : String(error),
		});
	}
	return records;
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
	parentTask: string | undefined;
	/** Model usage reported during the step (kept in metadata for the thread's totals). */
	usage?: RunUsage | undefined;
	/** The state schema's fingerprint (decision 0018). */
	schema?: string | undefined;
}

/** Builds the record of a new checkpoint. */
export function checkpointRecord(p: CheckpointParts): CheckpointRecord {
	return {
		threadId: p.threadId,
		ns: p.ns,
		checkpointId: newCheckpointId(),
		parentId: p.parentId,
		step: p.step,
		source: p.source,
		createdAt: new Date().toISOString(),
		metadata: {
			...p.metadata,
			...(p.parentTask === undefined ? {} : { parentTask: p.parentTask }),
			...(p.usage === undefined || p.usage.calls === 0
				? {}
				: { usage: p.usage as unknown as JsonValue }),
			...(p.schema === undefined ? {} : { schemaFingerprint: p.schema }),
			nodes: p.nodes,
			changed: [...new Set(p.writes.map((w) => w[1]))],
			next: p.tasks.map((t) => t.node),
			snapshot: p.snapshot !== undefined,
		},
		data: {
			writes: p.writes,
			tasks: p.tasks,
			...(Object.keys(p.joins).length === 0 ? {} : { joins: p.joins }),
			...(p.snapshot === undefined ? {} : { snapshot: p.snapshot }),
		},
	};
}
