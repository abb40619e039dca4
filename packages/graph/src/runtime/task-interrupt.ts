import type { ValidationError } from "@weft/checkpoint";
import { isWeftError, WeftError } from "@weft/checkpoint";
import type { InterruptOptions, NodeContext } from "../graph/types.ts";
import { refusedAnswer } from "../human.ts";
import { askedBySubgraph } from "./changed-node-kind.ts";
import {
	type Interrupt,
	InterruptSignal,
	type TaskMemory,
} from "./interrupts.ts";
import type { Answers } from "./resume-answers.ts";
import { invalidValue } from "./run-errors.ts";
import { sameRequest } from "./same-request.ts";
import { type AttemptCalls, checkInterruptCall } from "./task-calls.ts";
import type { TaskScope } from "./task-context.ts";

// A task attempt's interrupts: asking, pausing, and taking an answer (checked, saved with the task).

/** A task attempt's `ctx.interrupt`. */
export function interruptOf(
	scope: TaskScope,
	calls: AttemptCalls,
): NodeContext["interrupt"] {
	const { node, memory, host } = scope;
	return <TResume>(
		value: unknown,
		options: InterruptOptions<TResume> = {},
	): Promise<TResume> => {
		const refused = checkInterruptCall(node, calls);
		if (refused !== undefined) return Promise.reject(refused);
		const index = calls.interrupts++;
		// asked by a subgraph run this node no longer makes: its answer is not the node's (decision 0130)
		const asked =
			memory.interruptCount === 0 ? undefined : memory.interrupts.get(index);
		if (asked?.subgraph !== undefined)
			return Promise.reject(
				new ResumeRejected(
					askedBySubgraph(
						node,
						{ id: asked.id, subgraph: asked.subgraph },
						host,
					),
				),
			);
		// asked before an update and answered as it was shown (now, or by an earlier run) while the node asks
		// something else now: asked again, the answer does not apply (decision 0174)
		const changed =
			asked?.beforeUpdate === true && !sameRequest(asked.value, value);
		if (memory.resumed(index) && !changed)
			return Promise.resolve(memory.resumes.get(index) as TResume);
		if (!scope.answers.has(index) || changed) {
			const signal = new InterruptSignal([{ index, value }]);
			calls.paused ??= signal;
			return pause(signal);
		}
		return answer(scope, index, options);
	};
}

/**
 * A pause's rejection, one microtask later: the node awaits the promise before it rejects, so it never
 * counts as unhandled (Node's unhandled-rejection bookkeeping cost ≈ 1–2 µs per promise: perf, issue 17).
 */
function pause(signal: InterruptSignal): Promise<never> {
	const paused = new Promise<never>((_, reject) =>
		queueMicrotask(() => reject(signal)),
	);
	// a second interrupt asked before the first was awaited is never awaited (the first pauses the node):
	// its rejection must not count as unhandled, which would end the process
	paused.catch(ignore);
	return paused;
}

const ignore = (): void => {};

/** The answer to the interrupt at `index` (checked by `validate`), saved with the task before it is returned. */
async function answer<TResume>(
	scope: TaskScope,
	index: number,
	options: InterruptOptions<TResume>,
): Promise<TResume> {
	const { node, memory, taskId, host } = scope;
	let value = scope.answers.get(index);
	if (options.validate !== undefined) {
		try {
			value = options.validate(value);
		} catch (error) {
			throw asResumeError(node, options.name, error);
		}
	}
	memory.resumes.set(index, value);
	try {
		await host.persist([{ kind: "resume", taskId, index, value }]);
	} catch (error) {
		// refused as an invalid answer is: nothing of it was stored, and the run stays paused
		if (!isWeftError(error, "SERIALIZATION_FAILED")) throw error;
		memory.resumes.delete(index);
		throw new ResumeRejected(
			new WeftError(
				"SERIALIZATION_FAILED",
				`the answer to ${options.name === undefined ? "the interrupt" : `"${options.name}"`} of node "${node}" cannot be stored: ${error.message}`,
				{
					hint: "resume again with plain data (no functions, symbols or class instances the serializer does not know); the run is still paused",
					cause: error,
				},
			),
		);
	}
	return value as TResume;
}

/**
 * Marks an answer as rejected (it fails its schema, or the store cannot keep it): the run stops, the
 * interrupt stays pending.
 */
export class ResumeRejected {
	readonly error: WeftError;
	constructor(error: WeftError) {
		this.error = error;
	}
}

function asResumeError(
	node: string,
	name: string | undefined,
	error: unknown,
): ResumeRejected {
	if (isWeftError(error, "VALIDATION_FAILED"))
		return new ResumeRejected(error as ValidationError);
	return new ResumeRejected(
		invalidValue(
			`the answer to ${name === undefined ? "the interrupt" : `"${name}"`}`,
			node,
			error,
			"resume again with a value that matches the response schema; the run is still paused",
		),
	);
}

/**
 * Refuses, before a run writes anything, an answer that the response schema of the human checkpoint it
 * answers refuses, with the error the node's `ask` would give: the run would otherwise write a branch copy
 * or a Command's update first, and leave it when the node refused the answer (decision 0261). Only where the
 * schema is known before the node runs: a question of `human(name).ask` (its value `{ human: name, … }`)
 * asked by the graph's own node (a subgraph's question is answered in its own run), refused by every
 * response schema this process declared under that name. Other answers are checked where the node takes
 * them, as before.
 */
export function refuseEarly(
	pending: ReadonlyArray<Interrupt & { taskId: string; index: number }>,
	memory: ReadonlyMap<string, TaskMemory>,
	answers: Answers,
): void {
	for (const p of pending) {
		const given = answers.byIndex.get(p.taskId);
		if (p.when !== undefined || given === undefined || !given.has(p.index))
			continue;
		const name = (p.value as { human?: unknown } | null)?.human;
		if (typeof name !== "string") continue;
		if (memory.get(p.taskId)?.interrupts.get(p.index)?.subgraph !== undefined)
			continue;
		const refused = refusedAnswer(name, given.get(p.index));
		if (refused !== undefined) throw asResumeError(p.node, name, refused).error;
	}
}
