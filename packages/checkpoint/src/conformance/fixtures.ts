import { newCheckpointId } from "../ids.ts";
import type {
	ChannelWrite,
	CheckpointRecord,
	CheckpointSource,
	JsonValue,
	TaskSpec,
} from "../record.ts";

/** What a conformance test needs to build records. */
export interface RecordInit {
	threadId?: string;
	ns?: string;
	parentId?: string | null;
	step?: number;
	source?: CheckpointSource;
	writes?: ChannelWrite[];
	snapshot?: Record<string, unknown>;
	tasks?: TaskSpec[];
	metadata?: Record<string, JsonValue>;
}

/** A checkpoint record as the runtime would write it. */
export function record(init: RecordInit = {}): CheckpointRecord {
	const writes = init.writes ?? [];
	const tasks = init.tasks ?? [];
	return {
		threadId: init.threadId ?? "thread",
		ns: init.ns ?? "",
		checkpointId: newCheckpointId(),
		parentId: init.parentId ?? null,
		step: init.step ?? 0,
		source: init.source ?? (init.parentId ? "loop" : "input"),
		createdAt: new Date().toISOString(),
		metadata: {
			...init.metadata,
			nodes: [...new Set(writes.map((w) => w[0]))],
			changed: [...new Set(writes.map((w) => w[1]))],
			next: tasks.map((t) => t.node),
			snapshot: init.snapshot !== undefined || !init.parentId,
		},
		data: {
			writes,
			tasks,
			...(init.snapshot !== undefined || !init.parentId
				? { snapshot: init.snapshot ?? {} }
				: {}),
		},
	};
}

/** A chain of `n` records on one branch after `parent` (each writing `log: [i]`), oldest first. */
export function chainAfter(
	parent: CheckpointRecord,
	n: number,
	init: RecordInit = {},
): CheckpointRecord[] {
	const out: CheckpointRecord[] = [];
	let prev = parent;
	for (let i = 0; i < n; i++) {
		prev = record({
			threadId: parent.threadId,
			ns: parent.ns,
			...init,
			parentId: prev.checkpointId,
			step: prev.step + 1,
			writes: [["node", "log", prev.step + 1]],
			tasks: [{ id: "node", node: "node" }],
		});
		out.push(prev);
	}
	return out;
}

/** Every value type a store must keep exactly. */
export function richValues(): Record<string, unknown> {
	return {
		text: "héllo ✓",
		number: 1.5,
		negativeZero: -0,
		notANumber: Number.NaN,
		big: 12345678901234567890n,
		nothing: null,
		absent: undefined,
		date: new Date("2026-01-02T03:04:05.678Z"),
		map: new Map<unknown, unknown>([
			["a", 1],
			[2, { b: [new Date(0)] }],
		]),
		set: new Set(["x", "y"]),
		regexp: /we+ft/gi,
		bytes: new Uint8Array([0, 1, 255]),
		floats: new Float64Array([0.5, -1]),
		nested: { list: [1, undefined, { deep: new Set([1n]) }], empty: {} },
	};
}
