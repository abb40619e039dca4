import { isPlainEntry, type JsonValue } from "@weft/checkpoint";
import type { ModelCallRecord } from "../graph/types.ts";
import { newestKeeper } from "../runtime/keep-shape.ts";

/** The checkpoint metadata key under which a step records its timing. */
export const TIMING_KEY = "timing";

/**
 * What a committed step records of its timing in checkpoint metadata (`metadata.timing`), so tools like
 * `weft stats` compute latencies from the store alone. Durations are milliseconds. Read it with
 * `readStepTiming`: the stored form is compact (decision 0037).
 */
export interface StepTiming {
	/**
	 * The compiled graph's name: recorded with the first step a run times, so only the timing read from
	 * that checkpoint has it (a thread's graph is the name found on any of its checkpoints).
	 */
	graph?: string;
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

/**
 * The timing a checkpoint's metadata holds, or undefined (older checkpoints, or another writer's). Three
 * stored forms: the object above; for the most common step (only node durations, one task per node, no
 * graph name), the bare list of those durations in the order of `metadata.nodes` (decision 0037); and for
 * such a step of one node, that node's duration alone (decision 0039).
 */
export function readStepTiming(
	metadata: Record<string, JsonValue | undefined>,
): StepTiming | undefined {
	const t = metadata[TIMING_KEY];
	if (typeof t === "number") return fromList(metadata.nodes, [t]);
	if (Array.isArray(t)) return fromList(metadata.nodes, t);
	if (typeof t !== "object" || t === null) return undefined;
	const { nodes, models } = t as Record<string, unknown>;
	if (typeof nodes !== "object" || nodes === null) return undefined;
	if (models === undefined)
		return { ...(t as object), models: {} } as StepTiming;
	if (typeof models !== "object") return undefined;
	return t as unknown as StepTiming;
}

/** Durations listed in the order of the step's nodes; a list that does not match them is no timing. */
function fromList(
	names: JsonValue | undefined,
	list: readonly JsonValue[],
): StepTiming | undefined {
	if (!Array.isArray(names) || names.length !== list.length) return undefined;
	const nodes = byName();
	for (let i = 0; i < list.length; i++) {
		const name = names[i];
		const ms = list[i];
		if (typeof name !== "string" || typeof ms !== "number") return undefined;
		nodes[name] = [ms];
	}
	return { nodes, models: {} };
}

const keepStepTimer = newestKeeper(); // keep-shape.ts, decision 0196

/** Collects the timing of the step being run; `take()` hands it to the next checkpoint and starts afresh. */
export class StepTimer {
	readonly #graph: string;
	/** The step's node tasks as they ended: names and durations (reused from step to step). */
	readonly #names: string[] = [];
	readonly #ms: number[] = [];
	// made at the first model call or error (most runs have neither: perf, issue 17)
	#models: Record<string, number[]> | undefined;
	#errors: Array<{ node: string; code: string }> | undefined;
	#calls: ModelCallRecord[] | undefined; // made on the first call (most steps have none)
	#empty = true;
	/** The graph's name was recorded with an earlier step of this run. */
	#named = false;

	constructor(graph: string) {
		keepStepTimer(this);
		this.#graph = graph;
	}

	node(name: string, ms: number): void {
		this.#names.push(name);
		this.#ms.push(tenths(ms));
		this.#empty = false;
	}

	model(name: string, ms: number): void {
		// a plain object, as `nodes` below: the checkpoint may keep it as it is (hand-over.ts)
		this.#models ??= {};
		pushOwn(this.#models, name, tenths(ms));
		this.#empty = false;
	}

	call(given: ModelCallRecord): void {
		// a record of plain figures is copied: the checkpoint may keep the copy as it is (hand-over.ts)
		const record = ownCopy(given) ?? given;
		if (this.#calls === undefined) this.#calls = [record];
		else this.#calls.push(record);
		this.#empty = false;
	}

	error(node: string, code: string): void {
		this.#errors ??= [];
		this.#errors.push({ node, code });
		this.#empty = false;
	}

	/**
	 * The timing since the last take, as stored (see `readStepTiming`), or undefined when nothing was
	 * timed. `nodes` are the step's nodes as the checkpoint's metadata lists them.
	 */
	take(nodes: readonly string[]): JsonValue | undefined {
		if (this.#empty) return undefined;
		this.#empty = true;
		const stored = this.#compact(nodes) ?? this.#object();
		this.#names.length = 0;
		this.#ms.length = 0;
		return stored;
	}

	/** The compact forms (decisions 0037, 0039), for a step that only timed one task per node. */
	#compact(nodes: readonly string[]): number | number[] | undefined {
		if (
			!this.#named ||
			this.#calls !== undefined ||
			this.#errors !== undefined ||
			this.#models !== undefined
		)
			return undefined;
		const names = this.#names;
		// one node, the most common step: its duration alone
		if (names.length === 1 && nodes.length === 1 && names[0] === nodes[0])
			return this.#ms[0];
		return aligned(names, this.#ms, nodes);
	}

	/** The object form: durations by node, and whatever else the step recorded. */
	#object(): JsonValue {
		// a plain object (not byName's, which V8 keeps in dictionary mode): the store keeps it as it is
		const timed: Record<string, number[]> = {};
		for (let i = 0; i < this.#names.length; i++)
			pushOwn(timed, this.#names[i]!, this.#ms[i]!);
		const timing: Record<string, JsonValue> = {};
		if (!this.#named) {
			timing.graph = this.#graph;
			this.#named = true;
		}
		timing.nodes = timed as unknown as JsonValue;
		if (this.#models !== undefined) {
			timing.models = this.#models as unknown as JsonValue;
			this.#models = undefined;
		}
		if (this.#errors !== undefined) {
			timing.errors = this.#errors as unknown as JsonValue;
			this.#errors = undefined;
		}
		if (this.#calls !== undefined) {
			timing.calls = this.#calls as unknown as JsonValue;
			this.#calls = undefined;
		}
		return timing;
	}
}

/**
 * Durations by node or model name, without a prototype: a node named `constructor` or `toString` is a key
 * like any other, and a stored name `__proto__` read back is data, not the object's prototype.
 */
function byName(): Record<string, number[]> {
	return Object.create(null) as Record<string, number[]>;
}

/**
 * The durations in the order of `nodes`, when each of them ran exactly one task (and nothing else ran);
 * else undefined.
 */
function aligned(
	names: readonly string[],
	ms: readonly number[],
	nodes: readonly string[],
): number[] | undefined {
	if (names.length !== nodes.length) return undefined;
	const list: number[] = [];
	for (const node of nodes) {
		const at = names.indexOf(node);
		if (at === -1 || names.indexOf(node, at + 1) !== -1) return undefined;
		list.push(ms[at]!);
	}
	return list;
}

/**
 * A copy of a call record that holds plain scalars alone (no content: see `ModelCallRecord`), or undefined
 * for any other, which stays the caller's (the store copies it).
 */
function ownCopy(record: ModelCallRecord): ModelCallRecord | undefined {
	if (Object.getPrototypeOf(record) !== Object.prototype) return undefined;
	const out: Record<string, unknown> = {};
	for (const key in record) {
		const value = (record as unknown as Record<string, unknown>)[key];
		if (!Object.hasOwn(record, key) || !isPlainEntry(key, value))
			return undefined;
		out[key] = value;
	}
	return out as unknown as ModelCallRecord;
}

/** A tenth of a millisecond is finer than any figure stats shows. */
function tenths(ms: number): number {
	return Math.round(ms * 10) / 10;
}

/** `push` on an object with a prototype: only own keys count, and a key `__proto__` is made as data. */
function pushOwn(
	into: Record<string, number[]>,
	key: string,
	value: number,
): void {
	if (Object.hasOwn(into, key)) into[key]!.push(value);
	else if (key === "__proto__")
		Object.defineProperty(into, key, {
			value: [value],
			enumerable: true,
			writable: true,
			configurable: true,
		});
	else into[key] = [value];
}
