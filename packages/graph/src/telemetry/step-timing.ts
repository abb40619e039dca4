import type { JsonValue } from "@weft/checkpoint";
import type { ModelCallRecord } from "../graph/types.ts";

/** The checkpoint metadata key under which a step records its timing. */
export const TIMING_KEY = "timing";

/**
 * What a committed step records of its timing in checkpoint metadata (`metadata.timing`), so tools like
 * `weft stats` compute latencies from the store alone. Durations are milliseconds.
 */
export interface StepTiming {
	/** The compiled graph's name. */
	graph: string;
	/** Each node task the step ran, by node (tasks whose result was reused from an earlier run excluded). */
	nodes: Record<string, number[]>;
	/**
	 * Each model call the step made, by model (calls that report a duration: `UsageReport.durationMs`).
	 * Stored only when the step made one; `readStepTiming` gives `{}` then.
	 */
	models: Record<string, number[]>;
	/** Failed attempts at this step in earlier runs, which this run recovered from. */
	errors?: Array<{ node: string; code: string }>;
	/** The step's model calls, in the order they ended (nodes that report them: `callModel`). */
	calls?: ModelCallRecord[];
}

/** The timing a checkpoint's metadata holds, or undefined (older checkpoints, or another writer's). */
export function readStepTiming(
	metadata: Record<string, JsonValue | undefined>,
): StepTiming | undefined {
	const t = metadata[TIMING_KEY];
	if (typeof t !== "object" || t === null || Array.isArray(t)) return undefined;
	const { nodes, models } = t as Record<string, unknown>;
	if (typeof nodes !== "object" || nodes === null) return undefined;
	if (models === undefined)
		return { ...(t as object), models: {} } as StepTiming;
	if (typeof models !== "object") return undefined;
	return t as unknown as StepTiming;
}

/** Collects the timing of the step being run; `take()` hands it to the next checkpoint and starts afresh. */
export class StepTimer {
	readonly #graph: string;
	#nodes: Record<string, number[]> = {};
	#models: Record<string, number[]> = {};
	#errors: Array<{ node: string; code: string }> = [];
	#calls: ModelCallRecord[] | undefined; // made on the first call (most steps have none)
	#empty = true;

	constructor(graph: string) {
		this.#graph = graph;
	}

	node(name: string, ms: number): void {
		push(this.#nodes, name, ms);
		this.#empty = false;
	}

	model(name: string, ms: number): void {
		push(this.#models, name, ms);
		this.#empty = false;
	}

	call(record: ModelCallRecord): void {
		if (this.#calls === undefined) this.#calls = [record];
		else this.#calls.push(record);
		this.#empty = false;
	}

	error(node: string, code: string): void {
		this.#errors.push({ node, code });
		this.#empty = false;
	}

	/** The timing since the last take, or undefined when nothing was timed. */
	take(): StepTiming | undefined {
		if (this.#empty) return undefined;
		// stored without `models` when the step made no model call (readStepTiming fills it in)
		const timing = { graph: this.#graph, nodes: this.#nodes } as StepTiming;
		for (const _ in this.#models) {
			timing.models = this.#models;
			this.#models = {};
			break;
		}
		if (this.#errors.length > 0) timing.errors = this.#errors;
		if (this.#calls !== undefined) timing.calls = this.#calls;
		this.#nodes = {};
		this.#errors = [];
		this.#calls = undefined;
		this.#empty = true;
		return timing;
	}
}

function push(into: Record<string, number[]>, key: string, ms: number): void {
	// a tenth of a millisecond is finer than any figure stats shows
	const value = Math.round(ms * 10) / 10;
	const list = into[key];
	if (list === undefined) into[key] = [value];
	else list.push(value);
}
