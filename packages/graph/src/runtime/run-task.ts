import type { ChannelWrite, TaskSpec } from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import { isCommand } from "../command.ts";
import { deepFreeze } from "../state/freeze.ts";
import { askedBySubgraph, droppedQuestion } from "./changed-node-kind.ts";
import type { StreamEvent } from "./events.ts";
import {
	InterruptSignal,
	type RaisedInterrupt,
	type TaskMemory,
} from "./interrupts.ts";
import { keepShape } from "./keep-shape.ts";
import { commandResumeFromNode } from "./run-errors.ts";
import type { GraphRuntime } from "./runtime.ts";
import { type Target, toTargets } from "./step/plan-tasks.ts";
import type { TaskHost, TaskScope } from "./task-context.ts";
import { ResumeRejected } from "./task-interrupt.ts";

/** What a subgraph node returns to its parent task: the writes its run made. */
export class SubgraphResult {
	readonly writes: ChannelWrite[];
	constructor(writes: ChannelWrite[]) {
		this.writes = writes;
	}
}

// its maps kept through a full GC by an object without writes (keep-shape.ts, decision 0196)
keepShape(new SubgraphResult([]));

/** How a task ended. */
export type Outcome =
	| { kind: "done"; task: TaskSpec; writes: ChannelWrite[]; goto: Target[] }
	| { kind: "interrupt"; task: TaskSpec; raised: RaisedInterrupt[] }
	| { kind: "rejected"; task: TaskSpec; rejected: ResumeRejected }
	| { kind: "error"; task: TaskSpec; error: unknown };

export type DoneOutcome = Extract<Outcome, { kind: "done" }>;

/** What one task of a step runs with. */
export interface TaskRun {
	rt: GraphRuntime;
	host: TaskHost;
	memory: TaskMemory;
	answers: ReadonlyMap<number, unknown>;
	answersById: ReadonlyMap<string, unknown>;
	/** The state (for edge-triggered tasks). */
	values: Record<string, unknown>;
	/** Where the task's debug events go; undefined when nobody streams them (none is built then). */
	emit: ((event: StreamEvent) => void) | undefined;
}

/**
 * Runs one task: reuses its saved result if it finished before, otherwise calls the node and turns what it
 * returned (an update, a Command, a subgraph's writes) into writes and routes. A finished task of a
 * multi-task step is saved at once, so a crash or interrupt of a sibling does not make it run again.
 * Returns the outcome itself when nothing had to be waited for (a synchronous node, nothing to save):
 * no promise per task then (perf, issue 17).
 */
export function runTask(
	task: TaskSpec,
	r: TaskRun,
): Outcome | Promise<Outcome> {
	const { host, memory } = r;
	if (memory.done !== undefined) {
		if (r.emit !== undefined) debug(task, r, "end", true);
		return {
			kind: "done",
			task,
			writes: memory.done.writes,
			goto: memory.done.goto,
		};
	}
	const scope: TaskScope = {
		node: task.node,
		host,
		taskId: task.id,
		memory,
		answers: r.answers,
		answersById: r.answersById,
	};
	if (r.emit !== undefined) debug(task, r, "start");
	let result: unknown;
	try {
		const runner = r.rt.runners.get(task.node);
		if (runner === undefined) throw graphChanged(task.node, host);
		if ("input" in task) deepFreeze(task.input);
		result = runner(
			"input" in task ? task.input : r.values,
			scope,
			host.signal,
		);
	} catch (error) {
		return settled(task, r, caught(task, error));
	}
	if (result instanceof Promise)
		return result.then(
			(value) => settled(task, r, finished(task, r, value)),
			(error) => settled(task, r, caught(task, error)),
		);
	return settled(task, r, finished(task, r, result));
}

/** What the node returned, as an outcome; refused when it finished past a subgraph's question (0130). */
function finished(task: TaskSpec, r: TaskRun, value: unknown): Outcome {
	const outcome = toOutcome(r.rt, task, value);
	if (outcome.kind !== "done") return outcome;
	const dropped = droppedQuestion(r.memory);
	if (dropped === undefined) return outcome;
	return {
		kind: "rejected",
		task,
		rejected: new ResumeRejected(askedBySubgraph(task.node, dropped, r.host)),
	};
}

function debug(
	task: TaskSpec,
	r: TaskRun,
	phase: "start" | "end",
	reused?: true,
): void {
	r.emit?.({
		type: "task",
		step: r.host.step,
		node: task.node,
		id: task.id,
		phase,
		...(reused ? { reused } : {}),
	});
}

/** The outcome of a node that threw. */
function caught(task: TaskSpec, error: unknown): Outcome {
	if (error instanceof InterruptSignal)
		return { kind: "interrupt", task, raised: error.raised };
	if (error instanceof ResumeRejected)
		return { kind: "rejected", task, rejected: error };
	return { kind: "error", task, error };
}

/** Saves a finished task of a multi-task step, then tells debug listeners the task ended. */
function settled(
	task: TaskSpec,
	r: TaskRun,
	outcome: Outcome,
): Outcome | Promise<Outcome> {
	const { host } = r;
	if (
		outcome.kind === "done" &&
		host.multi &&
		host.checkpointer !== undefined
	) {
		const { writes, goto } = outcome;
		return host
			.persist([
				{ kind: "done", taskId: task.id, node: task.node, writes, goto },
			])
			.then(() => {
				if (r.emit !== undefined) debug(task, r, "end");
				return outcome;
			});
	}
	if (r.emit !== undefined) debug(task, r, "end");
	return outcome;
}

function toOutcome(rt: GraphRuntime, task: TaskSpec, result: unknown): Outcome {
	try {
		if (result instanceof SubgraphResult) {
			const writes = result.writes
				.filter(([, k]) => rt.channels.has(k))
				.map(([, k, v]) => [task.id, k, v] as const);
			return { kind: "done", task, writes, goto: [] };
		}
		if (isCommand(result)) {
			if (result.hasResume) throw commandResumeFromNode(task.node);
			const goto =
				result.goto === undefined ? [] : toTargets(result.goto, task.node);
			return {
				kind: "done",
				task,
				writes: rt.channels.toWrites(task.id, result.update),
				goto,
			};
		}
		return {
			kind: "done",
			task,
			writes: rt.channels.toWrites(task.id, result),
			goto: [],
		};
	} catch (error) {
		return { kind: "error", task, error };
	}
}

/** A task is due at a node this graph no longer has: the code changed between pause and resume. */
export function graphChanged(
	node: string,
	at: {
		threadId: string | undefined;
		checkpointId: string | undefined;
		ns: string;
	},
): WeftError {
	// a subgraph's checkpoint: name the subgraph too (its node names are its own)
	const where = at.ns === "" ? "this graph" : `the subgraph at "${at.ns}"`;
	return new WeftError(
		"GRAPH_CHANGED",
		`checkpoint "${at.checkpointId ?? "-"}" of thread "${at.threadId ?? "-"}" has a task due at node "${node}", which ${where} does not have`,
		{
			hint: `add "${node}" back${at.ns === "" ? "" : ` to the subgraph at "${at.ns}"`}, or go on with updateState(config, values, { asNode: "<an existing node>" }), or fork from an earlier checkpoint`,
		},
	);
}
