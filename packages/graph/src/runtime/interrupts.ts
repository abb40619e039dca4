import type { ChannelWrite, PendingWrite, TaskSpec } from "@weft/checkpoint";
import { getOrAdd } from "./get-or-add.ts";
import { newestKeeper } from "./keep-shape.ts";
import { checkRecord, type PendingPlace } from "./pending-records.ts";
import type { Target } from "./step/plan-tasks.ts";

/** A pending request for input, as callers see it. */
export interface Interrupt {
	/** Resume by this id (`Command({ resume: { [id]: value } })`). */
	id: string;
	node: string;
	value: unknown;
	/** Set for pauses made by `interruptBefore` / `interruptAfter`. */
	when?: "before" | "after";
}

/** One interrupt a task raised: its position in the node run; its id and namespace if a subgraph asked it. */
export interface RaisedInterrupt {
	index: number;
	value: unknown;
	id?: string;
	subgraph?: string;
	/** With `subgraph`: the subgraph run's checkpoint where it paused. */
	subgraphCheckpoint?: string;
}

/** Unwinds a node that called `interrupt()`. Control flow, not an error: caught in one place. */
export class InterruptSignal {
	readonly raised: RaisedInterrupt[];
	constructor(raised: RaisedInterrupt[]) {
		this.raised = raised;
	}
}

/** An interrupt recorded for a task, by its position among the task's `ctx.interrupt` calls. */
export interface RecordedInterrupt {
	id: string;
	node: string;
	value: unknown;
	when?: "before" | "after";
	/** The namespace of the subgraph run that asked it (unset: the node asked it itself). */
	subgraph?: string;
	/** With `subgraph`: the subgraph run's checkpoint where it paused (unset in records before 0149). */
	subgraphCheckpoint?: string;
	/** Carried by an `updateState` from the state before it: answered only while asked the same (0174). */
	beforeUpdate?: true;
}

const keepTaskMemory = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * What was saved for one task at a checkpoint. The collections are made on first use: most tasks never
 * interrupt nor call `ctx.once`, and five empty collections per task were a measurable share of a step
 * (perf, issue 17).
 */
export class TaskMemory {
	done?: { writes: ChannelWrite[]; goto: Target[] };
	/**
	 * The checkpoint of the task's subgraph whose steps' usage the step's records (or this run's meter)
	 * hold: a subgraph run that goes on counts only what was committed after it (decision 0211).
	 */
	subgraphUsage?: string;
	#interrupts: Map<number, RecordedInterrupt> | undefined;
	#resumes: Map<number, unknown> | undefined;
	#once: Map<string, unknown> | undefined;
	#onceStarted: Set<string> | undefined;
	#onceRunning: Map<string, Promise<unknown>> | undefined;
	/** `once` keys that hold a model's answer (decision 0205). */
	#answers: Set<string> | undefined;

	constructor() {
		keepTaskMemory(this);
	}

	get interrupts(): Map<number, RecordedInterrupt> {
		this.#interrupts ??= new Map();
		return this.#interrupts;
	}
	/** Interrupts recorded, without making the map. */
	get interruptCount(): number {
		return this.#interrupts?.size ?? 0;
	}
	get resumes(): Map<number, unknown> {
		this.#resumes ??= new Map();
		return this.#resumes;
	}
	/** Answers recorded, without making the map. */
	get resumeCount(): number {
		return this.#resumes?.size ?? 0;
	}
	/**
	 * The question at `index` is asked anew (asked before an update, the node now asks something else:
	 * decision 0174): its answer, and the questions and answers after it, belong to what was asked before.
	 */
	askedAgain(index: number): void {
		if (this.#resumes !== undefined)
			for (const k of [...this.#resumes.keys()])
				if (k >= index) this.#resumes.delete(k);
		if (this.#interrupts !== undefined)
			for (const k of [...this.#interrupts.keys()])
				if (k > index) this.#interrupts.delete(k);
	}
	/** Whether the interrupt at `index` was answered, without making the map. */
	resumed(index: number): boolean {
		return this.#resumes?.has(index) === true;
	}
	get once(): Map<string, unknown> {
		this.#once ??= new Map();
		return this.#once;
	}
	/** `ctx.once` keys whose effect started (a `once` record follows unless the process died). */
	get onceStarted(): Set<string> {
		this.#onceStarted ??= new Set();
		return this.#onceStarted;
	}
	/** Records `value` as the answer of a model call saved under `key` (decision 0205). */
	setAnswer(key: string, value: unknown): void {
		this.once.set(key, value);
		this.#answers ??= new Set();
		this.#answers.add(key);
	}
	/**
	 * Forgets the models' answers the task saved: it failed (perhaps on one of them), and its next attempt
	 * or run asks again. Effects of `ctx.once` and tool results stay: those must not run twice. A task that
	 * asked a person keeps them: an answer given to what the model proposed must never be taken for
	 * another proposal (the next attempt replays the answers, and asks nothing new).
	 */
	forgetAnswers(): void {
		if (this.#answers === undefined) return;
		if (this.interruptCount > 0 || this.resumeCount > 0) return;
		for (const key of this.#answers) this.#once?.delete(key);
		this.#answers = undefined;
	}
	/** `ctx.once` effects running now (shared by a retried attempt instead of running twice). */
	get onceRunning(): Map<string, Promise<unknown>> {
		this.#onceRunning ??= new Map();
		return this.#onceRunning;
	}
}

export function emptyMemory(): TaskMemory {
	return new TaskMemory();
}

/** The position of the task's recorded interrupt with this id (undefined: none). */
export function interruptIndex(
	memory: TaskMemory,
	id: string,
): number | undefined {
	if (memory.interruptCount === 0) return undefined;
	for (const [index, i] of memory.interrupts) if (i.id === id) return index;
	return undefined;
}

/**
 * Groups a checkpoint's pending writes (recorded at `place`) by task. A record that lacks a field its kind
 * needs (bytes that still read as JSON, a third-party store) throws CORRUPT_CHECKPOINT naming the place,
 * never a TypeError later nor an answer matched to nothing.
 */
export function groupPending(
	writes: readonly PendingWrite[],
	place: PendingPlace,
): Map<string, TaskMemory> {
	const out = new Map<string, TaskMemory>();
	const of = (taskId: string) => getOrAdd(out, taskId, emptyMemory);
	for (const w of writes) {
		checkRecord(w, place);
		const m = of(w.taskId);
		switch (w.kind) {
			case "done":
				m.done = { writes: w.writes, goto: w.goto ?? [] };
				break;
			case "interrupt": {
				const i: RecordedInterrupt = { id: w.id, node: w.node, value: w.value };
				if (w.when !== undefined) i.when = w.when;
				if (w.subgraph !== undefined) i.subgraph = w.subgraph;
				if (w.subgraphCheckpoint !== undefined)
					i.subgraphCheckpoint = w.subgraphCheckpoint;
				if (w.beforeUpdate === true) i.beforeUpdate = true;
				// recorded again after its answer: asked anew (0174), the answer no longer applies
				if (m.resumed(w.index)) m.askedAgain(w.index);
				m.interrupts.set(w.index, i);
				break;
			}
			case "resume":
				m.resumes.set(w.index, w.value);
				break;
			case "once":
				if (w.answer === true) m.setAnswer(w.key, w.value);
				else m.once.set(w.key, w.value);
				break;
			case "once-start":
				m.onceStarted.add(w.key);
				break;
			case "error":
				// what the task saved before it failed: its answers are asked for again (decision 0205); not
				// when the step stopped with no task failing (its commit failed): they were not at fault
				if (w.stopped !== true) m.forgetAnswers();
				break;
			case "usage":
				if (w.subgraphs !== undefined)
					for (const [taskId, at] of Object.entries(w.subgraphs))
						of(taskId).subgraphUsage = at;
				break;
		}
	}
	return out;
}

/** Interrupts raised at a checkpoint and not answered yet, in task order. */
export function unanswered(
	tasks: readonly TaskSpec[],
	memory: ReadonlyMap<string, TaskMemory>,
): Array<Interrupt & { taskId: string; index: number }> {
	const out: Array<Interrupt & { taskId: string; index: number }> = [];
	const add = (taskId: string, m: TaskMemory) => {
		if (m.done !== undefined || m.interruptCount === 0) return;
		for (const [index, i] of m.interrupts) {
			if (m.resumed(index)) continue;
			const p: Interrupt & { taskId: string; index: number } = {
				id: i.id,
				node: i.node,
				value: i.value,
				taskId,
				index,
			};
			if (i.when !== undefined) p.when = i.when;
			out.push(p);
		}
	};
	for (const task of tasks) {
		const m = memory.get(task.id);
		if (m !== undefined) add(task.id, m);
	}
	const after = memory.get(AFTER_TASK);
	if (after !== undefined) add(AFTER_TASK, after);
	return out;
}

/** What a run that ends paused reports: its unanswered interrupts, without where each is kept. */
export function runInterrupts(
	tasks: readonly TaskSpec[],
	memory: ReadonlyMap<string, TaskMemory>,
): Interrupt[] {
	const out: Interrupt[] = [];
	for (const p of unanswered(tasks, memory)) {
		// field by field: no rest-copy per interrupt (perf, issue 17)
		const i: Interrupt = { id: p.id, node: p.node, value: p.value };
		if (p.when !== undefined) i.when = p.when;
		out.push(i);
	}
	return out;
}

/** The pseudo task that records an `interruptAfter` pause at the checkpoint after the step. */
export const AFTER_TASK = "~after";

/** What `interruptId` makes. */
const INTERRUPT_ID = /^[0-9a-f]{16}$/;

/** Whether `key` has the shape of an id `interruptId` makes (16 hex digits). */
export function isInterruptId(key: string): boolean {
	return INTERRUPT_ID.test(key);
}

/** A stable, short id for an interrupt. */
export function interruptId(
	checkpointId: string,
	ns: string,
	taskId: string,
	index: number,
): string {
	// one-shot `hash` (Node ≥ 20.12): the same digest as createHash, without a Hash object (perf, issue 17)
	return process
		.getBuiltinModule("node:crypto")
		.hash("sha256", `${checkpointId}|${ns}|${taskId}|${index}`)
		.slice(0, 16);
}
