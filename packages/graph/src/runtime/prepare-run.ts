import type {
	ChannelWrite,
	CheckpointSource,
	CheckpointTuple,
	PendingWrite,
	TaskSpec,
} from "@weft/checkpoint";
import { checkpointNotFound } from "@weft/checkpoint";
import { isCommand } from "../command.ts";
import { INPUT_NODE, START, UPDATE_NODE } from "../constants.ts";
import { checkSends } from "./check-sends.ts";
import type { RunConfig } from "./events.ts";
import {
	groupPending,
	isInterruptId,
	type TaskMemory,
	unanswered,
} from "./interrupts.ts";
import {
	type Answers,
	assignAnswers,
	matchResume,
	noAnswers,
	sameAnswers,
	unfinishedAnswers,
} from "./resume-answers.ts";
import { route } from "./route.ts";
import * as fail from "./run-errors.ts";
import type { RunStore } from "./run-store.ts";
import { graphChanged } from "./run-task.ts";
import type { GraphRuntime } from "./runtime.ts";
import { planTasks } from "./step/plan-tasks.ts";
import { refuseEarly } from "./task-interrupt.ts";
import { mayBeTakenUpElsewhere } from "./thread-heads.ts";

/** Where a run stands: the state, what is due, and what tasks saved at the current checkpoint. */
export interface StepState {
	values: Record<string, unknown>;
	tasks: TaskSpec[];
	joins: Record<string, string[]>;
	/** Step of the current checkpoint (-1 before the first). */
	step: number;
	/** What tasks saved at the current checkpoint (answered interrupts, finished tasks, once results). */
	memory: Map<string, TaskMemory>;
	answers: Answers;
	/** The run resumes a pause before nodes: don't pause there again. */
	skipBefore: boolean;
}

export const newStepState = (): StepState => ({
	values: {},
	tasks: [],
	joins: {},
	step: -1,
	memory: new Map(),
	answers: noAnswers(),
	skipBefore: false,
});

/** What preparing needs from its run. */
export interface Preparing {
	rt: GraphRuntime;
	config: RunConfig;
	store: RunStore | undefined;
	threadId: string | undefined;
	ns: string;
	/** Set for a subgraph run. */
	parentTask: string | undefined;
	/** Replay: run the due tasks afresh. */
	fresh: boolean;
	/** Go on as a new branch even from a checkpoint with no child (`RunOptions.copy`). */
	copy?: boolean | undefined;
	/** Told of the checkpoint the run stands on (telemetry, issue 13). */
	loaded?: ((tuple: CheckpointTuple) => void) | undefined;
	answersById: ReadonlyMap<string, unknown> | undefined;
	/** New input's writes, checked before the run took its lease (`checkedInput`); undefined for others. */
	inputWrites: ChannelWrite[] | undefined;
	at: StepState;
	/** Writes `at` as the next checkpoint. */
	commit(
		source: CheckpointSource,
		writes: ChannelWrite[],
		nodes: string[],
	): Promise<void> | undefined;
}

/**
 * Prepares a run from its input: new input starts a step from `START` on the thread's newest state;
 * `null` continues a checkpoint and `Command({ resume })` answers its interrupts. Continuing a checkpoint
 * that has a successor, or replaying one, starts a branch with a checkpoint of its own.
 */
export function prepareRun(p: Preparing, input: unknown): Promise<void> {
	// the preparer's own promise, not one more async frame around it (perf, issue 17)
	try {
		p.store?.useSchema(p.rt.channels);
		// new input was checked before the lease (`checkedInput`): its writes tell it apart
		if (p.inputWrites !== undefined) return prepareInput(p, p.inputWrites);
		if (!isCommand(input)) return prepareContinue(p, undefined); // null
		if (input.goto !== undefined) throw fail.commandGoto();
		if (!input.hasResume && input.update === undefined)
			throw fail.commandWithoutResume();
		return prepareContinue(
			p,
			input.hasResume ? { value: input.resume } : undefined,
			input.update,
		);
	} catch (error) {
		return Promise.reject(error);
	}
}

/**
 * Continues a checkpoint: with `resume`, answering its interrupts; with `update` (a Command's), the state
 * changes first, as a checkpoint of its own (source "update") that carries the step's records, so that the
 * tasks due there run on the updated state and their answers and once results go on.
 */
async function prepareContinue(
	p: Preparing,
	resume: { value: unknown } | undefined,
	update?: Record<string, unknown>,
): Promise<void> {
	const { store, at } = p;
	if (store === undefined)
		throw fail.needsCheckpointer("continuing or resuming a run");
	const checkpointId =
		p.config.checkpointId !== undefined
			? p.config.checkpointId
			: resume === undefined
				? undefined
				: await store.heads.headWithInterrupts(resumeIds(resume.value));
	const tuple = await load(p, store, checkpointId);
	if (tuple === undefined) {
		throw resume === undefined
			? fail.nothingToContinue(p.threadId!)
			: fail.nothingToResume(p.threadId!);
	}
	// checked before anything is written: the update, and the answers (a refused resume leaves the thread
	// as it was, with no branch copy made for it)
	const updated =
		update === undefined
			? undefined
			: p.rt.channels.toWrites(UPDATE_NODE, update);
	const carried = p.fresh
		? []
		: updated !== undefined && resume === undefined
			? withoutOpenQuestions(tuple.pendingWrites)
			: tuple.pendingWrites;
	const memory = groupPending(carried, tuple.checkpoint);
	const pending = unanswered(at.tasks, memory);
	// a resume with nothing pending: the answers a run that did not finish the step recorded, if any
	const recorded =
		resume !== undefined && pending.length === 0
			? unfinishedAnswers(at.tasks, memory)
			: undefined;
	// nothing to answer on the newest head: say where a question waits, if on another branch
	if (
		recorded?.size === 0 &&
		p.config.checkpointId === undefined &&
		p.parentTask === undefined
	) {
		const waiting = await store.heads.waitingHead(
			tuple.checkpoint.checkpointId,
		);
		if (waiting !== undefined)
			throw fail.pendingOnOtherBranch(p.threadId!, waiting);
	}
	// a question at a checkpoint with children may have been answered on a copy of it already (a resume
	// there before), and one at a copy on another copy of the same checkpoint: answering it again would run
	// what follows the answer twice
	if (
		resume !== undefined &&
		pending.length > 0 &&
		mayBeTakenUpElsewhere(tuple) &&
		!p.fresh &&
		p.parentTask === undefined
	) {
		const taken = await store.heads.takenUpElsewhere(tuple);
		if (taken !== undefined)
			throw fail.answeredOnCopy(p.threadId!, tuple.checkpoint, taken);
	}
	const answers = answersFor(
		p,
		resume,
		at.tasks,
		memory,
		pending,
		recorded,
		tuple,
	);
	// an answer its human checkpoint refuses writes nothing: no branch copy, no update (decision 0261)
	if (answers !== undefined && p.parentTask === undefined)
		refuseEarly(pending, memory, answers);
	const spent = spendPauses(memory, pending);
	const branch = p.fresh || p.copy === true || tuple.hasChildren;
	// from the first write on, the thread reads as running (as stale, should this process die)
	if (branch || updated !== undefined || spent.length > 0)
		await (answers === undefined ? store.start() : store.startAnswering());
	if (branch) {
		// A new branch starts with a copy of the checkpoint as its sibling (same step, writes and due tasks),
		// so that what the branch records (answers, once results, interrupts) never lands on another
		// branch's records, and the original stays a head if it was one. A continue carries over what was
		// saved there, written with the copy; a replay starts afresh.
		const c = tuple.checkpoint;
		store.forkFrom(c);
		at.step = c.step - 1;
		store.carry(carried);
		await p.commit("fork", c.data.writes, c.metadata.nodes);
	} else if (updated === undefined) store.reusePendingWrites(tuple);
	if (updated !== undefined) {
		// the checkpoint loaded keeps its records; the update's checkpoint is written with a copy
		at.values = p.rt.channels.apply(at.values, updated, { strict: true });
		store.carry(carried);
		await p.commit("update", updated, [UPDATE_NODE]);
	}
	// on this run's own checkpoint (the branch copy or the update's, when one was made)
	if (spent.length > 0) await store.persist(spent);
	at.memory = memory;
	// past a pause before the tasks due here: one this run resumes, or any on a checkpoint the caller named
	// (time travel: a continue or replay there means to run them; decision 0265)
	at.skipBefore =
		pausedBefore(memory) ||
		(p.parentTask === undefined &&
			(p.fresh || p.config.checkpointId !== undefined));
	if (answers !== undefined) at.answers = answers;
}

/**
 * Marks the pauses around nodes pending in `memory` as spent (the run goes on past them) and returns the
 * records that say so, so that they are no longer listed once the run pauses again at the same checkpoint.
 */
function spendPauses(
	memory: ReadonlyMap<string, TaskMemory>,
	pending: ReturnType<typeof unanswered>,
): PendingWrite[] {
	const spent: PendingWrite[] = [];
	for (const p of pending) {
		if (p.when === undefined) continue;
		memory.get(p.taskId)!.resumes.set(p.index, null);
		spent.push({
			kind: "resume",
			taskId: p.taskId,
			index: p.index,
			value: null,
		});
	}
	return spent;
}

/**
 * The answers a run brings to the interrupts pending in `memory` (a resume value, or answers by id handed
 * down to a subgraph run); undefined when it brings none.
 */
function answersFor(
	p: Preparing,
	resume: { value: unknown } | undefined,
	tasks: readonly TaskSpec[],
	memory: ReadonlyMap<string, TaskMemory>,
	/** `unanswered(tasks, memory)` */
	pending: ReturnType<typeof unanswered>,
	/** With `resume` and nothing pending: `unfinishedAnswers(tasks, memory)` */
	recorded: ReadonlyMap<string, unknown> | undefined,
	tuple: CheckpointTuple,
): Answers | undefined {
	const byId = p.answersById;
	if (resume === undefined && (byId === undefined || byId.size === 0))
		return undefined;
	if (resume === undefined) return assignAnswers(pending, byId!);
	// the step's records were spent by a later checkpoint on another branch (its answer went on there)
	if (
		pending.length === 0 &&
		memory.size === 0 &&
		tuple.hasChildren &&
		tasks.length > 0
	)
		throw fail.stepCommittedElsewhere(p.threadId!, tuple.checkpoint);
	// the same answer again (its first run answered and died before the step's commit): go on with it
	if (recorded !== undefined && sameAnswers(resume.value, recorded))
		return undefined;
	return assignAnswers(
		pending,
		matchResume(resume.value, pending, (recorded?.size ?? 0) > 0),
	);
}

async function prepareInput(
	p: Preparing,
	writes: ChannelWrite[],
): Promise<void> {
	const { rt, at } = p;
	// a subgraph task starts its child run afresh; a root run goes on from the thread's newest state
	const tuple =
		p.store !== undefined && p.parentTask === undefined
			? await load(p, p.store, p.config.checkpointId)
			: undefined;
	if (tuple === undefined) at.values = rt.channels.initial();
	at.values = rt.channels.apply(at.values, writes);
	// before anything is written: no node sees a state that breaks its schema
	rt.channels.checkRequired(
		at.values,
		p.parentTask === undefined ? undefined : p.ns,
	);
	// no router from START (the common graph): nothing to wait for (perf, issue 17)
	const targets = rt.branches.has(START)
		? await route(rt, START, at.values, p.config.context ?? {})
		: [];
	checkSends(rt, [{ node: START, targets }]);
	const plan = planTasks(rt.topology, [{ node: START, targets }], {});
	at.tasks = plan.tasks;
	at.joins = plan.joins;
	const started = p.store?.start();
	if (started !== undefined) await started;
	const committed = p.commit("input", writes, [INPUT_NODE]);
	if (committed !== undefined) await committed;
}

/**
 * Loads a checkpoint (or the thread's newest) with its state; undefined when the thread has none, or for
 * `null` (the empty state: the run's first checkpoint is a new root beside the thread's others).
 */
async function load(
	p: Preparing,
	store: RunStore,
	checkpointId: string | null | undefined,
): Promise<CheckpointTuple | undefined> {
	if (checkpointId === null) {
		store.branch();
		return undefined;
	}
	const loaded = await store.load(
		checkpointId,
		p.rt.channels,
		p.config.acceptSchemaChange !== true,
	);
	if (loaded === undefined) {
		if (checkpointId !== undefined)
			throw checkpointNotFound(p.threadId!, p.ns, checkpointId);
		return undefined;
	}
	const c = loaded.tuple.checkpoint;
	p.loaded?.(loaded.tuple); // telemetry (issue 13)
	for (const t of c.data.tasks)
		if (!p.rt.runners.has(t.node))
			throw graphChanged(t.node, {
				threadId: p.threadId,
				checkpointId: c.checkpointId,
				ns: p.ns,
			});
	p.at.values = loaded.values;
	p.at.step = c.step;
	p.at.tasks = c.data.tasks;
	p.at.joins = c.data.joins ?? {};
	return loaded.tuple;
}

/**
 * The records an update without an answer carries: not the interrupts nobody answered, so that their nodes
 * ask again from the updated state (pauses around nodes stay: the run goes on past them).
 */
function withoutOpenQuestions(writes: readonly PendingWrite[]): PendingWrite[] {
	const answered = new Set(
		writes.flatMap((w) =>
			w.kind === "resume" ? [`${w.taskId}#${w.index}`] : [],
		),
	);
	return writes.filter(
		(w) =>
			w.kind !== "interrupt" ||
			w.when !== undefined ||
			answered.has(`${w.taskId}#${w.index}`),
	);
}

/** Whether a pause before nodes is recorded among `memory`'s interrupts. */
function pausedBefore(memory: ReadonlyMap<string, TaskMemory>): boolean {
	for (const m of memory.values()) {
		if (m.interruptCount === 0) continue;
		for (const i of m.interrupts.values()) if (i.when === "before") return true;
	}
	return false;
}

/**
 * The interrupt ids a resume value names, when it is a map by id (else empty): only keys shaped like ids
 * send a resume to look at other heads; an ordinary answer (`{ action: "approve" }`) answers the newest.
 */
function resumeIds(value: unknown): string[] {
	if (
		typeof value !== "object" ||
		value === null ||
		Object.getPrototypeOf(value) !== Object.prototype
	)
		return [];
	return Object.keys(value).filter(isInterruptId);
}
