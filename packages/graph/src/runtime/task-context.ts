import type { Checkpointer, PendingWrite } from "@weft/checkpoint";
import { isWeftError, ValidationError, WeftError } from "@weft/checkpoint";
import type {
	InterruptOptions,
	NodeContext,
	OnceInfo,
	UsageReport,
} from "../graph/types.ts";
import { callOptionsOf } from "../telemetry/call-options.ts"; // telemetry (issue 13)
import type { RunConfig } from "./events.ts";
import { InterruptSignal, type TaskMemory } from "./interrupts.ts";
import type { RunUsage } from "./usage.ts";

/** What a task context needs from its run. */
export interface TaskHost {
	readonly threadId: string | undefined;
	readonly step: number;
	readonly signal: AbortSignal;
	readonly context: Readonly<Record<string, unknown>>;
	/** Namespace of the running graph ("" for the root). */
	readonly ns: string;
	/** The checkpoint the step started from. */
	readonly checkpointId: string | undefined;
	readonly checkpointer: Checkpointer | undefined;
	readonly config: RunConfig;
	/** The step has several tasks (finished ones are saved as they finish). */
	readonly multi: boolean;
	/** Saves records at the step's checkpoint (no-op without a checkpointer). */
	persist(writes: PendingWrite[]): Promise<void>;
	emit(node: string, type: "custom" | "message", data: unknown): void;
	/** The node-level event modes someone consumes (a subgraph run forwards these to its parent). */
	readonly streams: ReadonlySet<"messages" | "custom">;
	reportUsage(node: string, usage: UsageReport): void;
	/** Adds a subgraph run's usage under `node`. */
	mergeUsage(node: string, usage: RunUsage): void;
}

/** Internals of a task that subgraph nodes reach through `internalsOf(ctx)`. */
export interface TaskInternals {
	readonly host: TaskHost;
	readonly taskId: string;
	readonly memory: TaskMemory;
	/** New answers to this task's interrupts, by position. */
	readonly answers: ReadonlyMap<number, unknown>;
	/** New answers by interrupt id (for a subgraph task: its child's interrupts). */
	readonly answersById: ReadonlyMap<string, unknown>;
	/** Interrupt ids of this task by position (to mark subgraph answers as used). */
	readonly ids: ReadonlyMap<string, number>;
	/** What the current attempt of the node has called so far (reset for each retry). */
	readonly calls: AttemptCalls;
}

export interface AttemptCalls {
	/** `interrupt()` calls: the next one's position. */
	interrupts: number;
	/** Whether a subgraph ran inside the node (`invokeAsSubgraph`). */
	subgraph: boolean;
}

export const noCalls = (): AttemptCalls => ({
	interrupts: 0,
	subgraph: false,
});

/**
 * Where a context keeps its internals: a symbol-keyed property rather than a WeakMap entry, because a
 * fan-out makes thousands of contexts per step and each WeakMap entry is an ephemeron the GC must trace.
 */
const INTERNALS = Symbol("weft.task");
type WithInternals = { [INTERNALS]?: TaskInternals };

/** The internals behind a node context (undefined for a context not made by the runtime). */
export function internalsOf(ctx: NodeContext): TaskInternals | undefined {
	return (ctx as WithInternals)[INTERNALS];
}

/**
 * Starts another attempt of the node on the same context (a retry): its `interrupt()` calls count from
 * the first again, so answers saved by the failed attempt are matched to the same calls.
 */
export function newAttempt(ctx: NodeContext): void {
	const calls = internalsOf(ctx)?.calls;
	if (calls !== undefined) Object.assign(calls, noCalls());
}

/** A node context with another abort signal (used by the timeout policy). */
export function withSignal(ctx: NodeContext, signal: AbortSignal): NodeContext {
	const derived = Object.create(ctx, {
		signal: { value: signal, enumerable: true },
	}) as NodeContext;
	// the derived context reaches the same internals through its prototype
	return derived;
}

/** Builds the context a node runs with. */
export function createTaskContext(node: string, i: TaskInternals): NodeContext {
	const { host, memory, taskId, calls } = i;
	const ctx: NodeContext & WithInternals = {
		[INTERNALS]: i,
		threadId: host.threadId,
		step: host.step,
		node,
		signal: host.signal,
		context: host.context,
		async interrupt<TResume>(
			value: unknown,
			options: InterruptOptions<TResume> = {},
		): Promise<TResume> {
			if (calls.subgraph) throw mixedInterrupts(node);
			const index = calls.interrupts++;
			if (memory.resumes.has(index))
				return memory.resumes.get(index) as TResume;
			if (!i.answers.has(index)) throw new InterruptSignal([{ index, value }]);
			let answer = i.answers.get(index);
			if (options.validate !== undefined) {
				try {
					answer = options.validate(answer);
				} catch (error) {
					throw asResumeError(node, options.name, error);
				}
			}
			memory.resumes.set(index, answer);
			await host.persist([{ kind: "resume", taskId, index, value: answer }]);
			return answer as TResume;
		},
		async once<T>(
			key: string,
			fn: (effect: OnceInfo) => T | Promise<T>,
		): Promise<T> {
			if (memory.once.has(key)) return memory.once.get(key) as T;
			const retrying = memory.onceStarted.has(key);
			if (!retrying) {
				memory.onceStarted.add(key);
				await host.persist([{ kind: "once-start", taskId, key }]);
			}
			const idempotencyKey = `${host.threadId ?? "-"}/${host.ns}/${host.checkpointId ?? "-"}/${taskId}/${key}`;
			const value = await fn({ idempotencyKey, retrying });
			memory.once.set(key, value);
			await host.persist([{ kind: "once", taskId, key, value }]);
			return value;
		},
		emit: (data) => host.emit(node, "custom", data),
		emitMessage: (chunk) => host.emit(node, "message", chunk),
		streamingMessages: host.streams.has("messages"),
		reportUsage: (usage) => host.reportUsage(node, usage),
		get callOptions() {
			return callOptionsOf(host, node); // telemetry (issue 13)
		},
	};
	return ctx;
}

/** Interrupts inside a subgraph run by a node are that node task's: they cannot be numbered with its own. */
export function mixedInterrupts(node: string): WeftError {
	return new WeftError(
		"INVALID_GRAPH",
		`node "${node}" ran a subgraph with invokeAsSubgraph() and also called interrupt() or another subgraph`,
		{
			hint: "run one subgraph per node and ask for input inside it, or split the node in two",
		},
	);
}

/** Marks a ValidationError as a rejected resume: the run stops, the interrupt stays pending. */
export class ResumeRejected {
	readonly error: ValidationError;
	constructor(error: ValidationError) {
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
	const issues =
		typeof error === "object" &&
		error !== null &&
		Array.isArray((error as { issues?: unknown }).issues)
			? ((
					error as {
						issues: Array<{
							code: string;
							path: PropertyKey[];
							message: string;
						}>;
					}
				).issues ?? [])
			: [];
	const detail =
		issues[0] === undefined
			? String(error)
			: `${issues[0].path.join(".") || "value"}: ${issues[0].message}`;
	return new ResumeRejected(
		new ValidationError(
			`the answer to ${name === undefined ? "the interrupt" : `"${name}"`} in node "${node}" is invalid: ${detail}`,
			{
				node,
				issues: issues.map((x) => ({
					code: x.code,
					path: x.path,
					message: x.message,
				})),
				hint: "resume again with a value that matches the response schema; the run is still paused",
				cause: error,
			},
		),
	);
}
