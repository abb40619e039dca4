// A resume's answers: matched to the pending interrupts (a single value, or a map by interrupt id) and
// routed to the tasks and positions that asked them; and the answers a run that did not finish its step
// recorded, which the same resume sent again goes on with.
import { type TaskSpec, WeftError } from "@weft/checkpoint";
import { getOrAdd } from "./get-or-add.ts";
import {
	type Interrupt,
	isInterruptId,
	type TaskMemory,
} from "./interrupts.ts";

/** A pause around a node that a run went past, in `unfinishedAnswers`. */
const PASSED: unique symbol = Symbol("passed pause");

/**
 * The answers recorded at a checkpoint, by interrupt id, for tasks due there whose step no run finished (a
 * run answered and died, or was stopped); empty when there are none. A pause around a node, gone past,
 * reads as `PASSED`: any resume value goes past it.
 */
export function unfinishedAnswers(
	tasks: readonly TaskSpec[],
	memory: ReadonlyMap<string, TaskMemory>,
): Map<string, unknown> {
	const out = new Map<string, unknown>();
	for (const task of tasks) {
		const m = memory.get(task.id);
		if (m === undefined || m.done !== undefined || m.resumeCount === 0)
			continue;
		for (const [index, i] of m.interrupts)
			if (m.resumed(index))
				out.set(i.id, i.when === undefined ? m.resumes.get(index) : PASSED);
	}
	return out;
}

/**
 * Whether `resume` is what `recorded` (`unfinishedAnswers`) holds: the one answer, or answers by id each
 * equal to the one recorded. A run that sends it again (its first attempt answered and died before the
 * step's commit) goes on with the recorded answers, as `null` would (decision 0178).
 */
export function sameAnswers(
	resume: unknown,
	recorded: ReadonlyMap<string, unknown>,
): boolean {
	const same = (a: unknown, b: unknown) =>
		a === PASSED ||
		process.getBuiltinModule("node:util").isDeepStrictEqual(a, b);
	const keys = plainKeys(resume);
	if (keys.length > 0 && keys.every((k) => recorded.has(k)))
		return keys.every((k) =>
			same(recorded.get(k), (resume as Record<string, unknown>)[k]),
		);
	return recorded.size === 1 && same(recorded.values().next().value, resume);
}

/**
 * Matches a resume value to the pending interrupts: a single value needs exactly one pending interrupt,
 * a map names them by id. Throws before anything is written; `answered`: the step's interrupts were
 * answered by an earlier run that did not commit the step (the error then says how to go on).
 */
export function matchResume(
	resume: unknown,
	pending: ReadonlyArray<Interrupt>,
	answered = false,
): Map<string, unknown> {
	if (pending.length === 0 && answered)
		throw new WeftError(
			"NO_PENDING_INTERRUPT",
			"the interrupt at this checkpoint was already answered, by a run that did not finish its step",
			{
				hint: "pass null as input (or the same answer again) to go on with that answer, or replay({ threadId, checkpointId }) to run the step again as a new branch and answer it anew",
			},
		);
	if (pending.length === 0) {
		throw new WeftError(
			"NO_PENDING_INTERRUPT",
			"the thread has no pending interrupt to resume",
			{
				hint: "check getState().interrupts; to continue a run without an answer pass null as input",
			},
		);
	}
	// one pending interrupt and a value that is no map by id: the common resume (perf, issue 17)
	if (
		pending.length === 1 &&
		(typeof resume !== "object" ||
			resume === null ||
			Object.getPrototypeOf(resume) !== Object.prototype)
	)
		return new Map([[pending[0]!.id, resume]]);
	const ids = new Set(pending.map((p) => p.id));
	const keys = plainKeys(resume);
	if (keys.length > 0 && keys.every((k) => ids.has(k)))
		return new Map(Object.entries(resume as Record<string, unknown>));
	const unknown = unknownKeys(keys, ids);
	if (unknown.length > 0) {
		throw new WeftError(
			"UNKNOWN_INTERRUPT_ID",
			`no pending interrupt has id ${unknown.map((k) => `"${k}"`).join(", ")}`,
			{
				hint: `pending ids: ${[...ids].join(", ")} (getState().interrupts); an id already answered is not pending any more`,
			},
		);
	}
	if (pending.length > 1) {
		throw new WeftError(
			"AMBIGUOUS_RESUME",
			`${pending.length} interrupts are pending; a single resume value cannot answer them`,
			{
				hint: `resume with a map by interrupt id: { ${[...ids].map((id) => `"${id}": …`).join(", ")} }`,
			},
		);
	}
	return new Map([[pending[0]!.id, resume]]);
}

/**
 * The keys of a resume value that name no pending interrupt, when the value is a map by interrupt id: an
 * object some of whose keys are pending ids, or all of whose keys have an interrupt id's shape (a map
 * with a wrong, e.g. already answered, id; never an answer to the one pending). Any other value is an
 * answer, with no ids: []. What `matchResume` refuses as `UNKNOWN_INTERRUPT_ID`, for a server that
 * refuses such a request before it makes a run.
 */
export function unknownInterruptIds(
	resume: unknown,
	pendingIds: ReadonlySet<string>,
): string[] {
	return unknownKeys(plainKeys(resume), pendingIds);
}

function unknownKeys(
	keys: readonly string[],
	pendingIds: ReadonlySet<string>,
): string[] {
	const unknown = keys.filter((k) => !pendingIds.has(k));
	return unknown.length > 0 &&
		(unknown.length < keys.length || keys.every(isInterruptId))
		? unknown
		: [];
}

/** The keys of a plain object (a resume map's candidates); none for any other value. */
function plainKeys(value: unknown): string[] {
	return typeof value === "object" &&
		value !== null &&
		Object.getPrototypeOf(value) === Object.prototype
		? Object.keys(value)
		: [];
}

/** Answers to pending interrupts, by task: by position (for the node itself) and by id (for a subgraph). */
export interface Answers {
	byIndex: Map<string, Map<number, unknown>>;
	byId: Map<string, Map<string, unknown>>;
	/** Interrupt ids answered (pauses around nodes included). */
	answered: Set<string>;
}

/** No answers: one shared value, never changed (`assignAnswers` makes new ones), so a step makes none. */
const NO_ANSWERS: Answers = {
	byIndex: new Map(),
	byId: new Map(),
	answered: new Set(),
};

export const noAnswers = (): Answers => NO_ANSWERS;

/** Routes answers (by interrupt id) to the tasks and positions of the pending interrupts. */
export function assignAnswers(
	pending: ReadonlyArray<Interrupt & { taskId: string; index: number }>,
	answers: ReadonlyMap<string, unknown>,
): Answers {
	const out: Answers = {
		byIndex: new Map(),
		byId: new Map(),
		answered: new Set(),
	};
	for (const p of pending) {
		if (!answers.has(p.id)) continue;
		out.answered.add(p.id);
		if (p.when !== undefined) continue; // a pause around a node takes no answer
		const value = answers.get(p.id);
		getOrAdd(out.byIndex, p.taskId, () => new Map()).set(p.index, value);
		getOrAdd(out.byId, p.taskId, () => new Map()).set(p.id, value);
	}
	return out;
}
