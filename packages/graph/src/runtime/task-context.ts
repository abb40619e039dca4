import type {
	AnswerCost,
	Checkpointer,
	PendingWrite,
	Store,
} from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import type {
	CallOptions,
	NodeContext,
	OnceInfo,
	UsageReport,
} from "../graph/types.ts";
import { callOptionsOf } from "../telemetry/call-options.ts"; // telemetry (issue 13)
import { checkUsageReport } from "./check-usage-report.ts";
import type { SubgraphEvents } from "./event-sink.ts";
import type { EventOrigin, RunConfig } from "./events.ts";
import type { InterruptSignal, TaskMemory } from "./interrupts.ts";
import { newestKeeper } from "./keep-shape.ts";
import { type RunSignal, signalOf } from "./lazy-signal.ts";
import { nodeStore } from "./node-store.ts";
import { type AttemptCalls, checkOnceCall, lateOnce } from "./task-calls.ts";
import { interruptOf } from "./task-interrupt.ts";
import type { RunUsage } from "./usage.ts";

/** What a task context needs from its run. */
export interface TaskHost {
	readonly threadId: string | undefined;
	readonly step: number;
	/** The run's signal (an AbortSignal only once a task asks for it). */
	readonly signal: RunSignal;
	readonly context: Readonly<Record<string, unknown>>;
	/** Namespace of the running graph ("" for the root). */
	readonly ns: string;
	/** The checkpoint the step started from. */
	readonly checkpointId: string | undefined;
	readonly checkpointer: Checkpointer | undefined;
	/** The run's lease token, for a subgraph run's writes. */
	readonly fence: number | undefined;
	readonly config: RunConfig;
	/** The step has several tasks (finished ones are saved as they finish). */
	readonly multi: boolean;
	/** Saves records at the step's checkpoint (no-op without a checkpointer). */
	persist(writes: PendingWrite[]): Promise<void>;
	emit(
		node: string,
		type: "custom" | "message",
		data: unknown,
		origin: EventOrigin,
		/** A message's model params (`emitMessage`'s second argument). */
		modelParams?: Readonly<Record<string, unknown>> | undefined,
	): void;
	/** The node-level event modes someone consumes (a subgraph run forwards these to its parent). */
	readonly streams: ReadonlySet<"messages" | "custom">;
	/** Set when the stream asked for subgraph runs' own events (`StreamConfig.subgraphs`). */
	readonly subgraphs?: SubgraphEvents | undefined;
	reportUsage(node: string, usage: UsageReport): void;
	/**
	 * Adds a subgraph run's usage under `node`; `reached`: the task that ran it and the subgraph's checkpoint
	 * the usage goes up to (decision 0211).
	 */
	mergeUsage(
		node: string,
		usage: RunUsage,
		reached?: readonly [taskId: string, checkpointId: string],
	): void;
	/**
	 * Called before a `once` effect starts: undefined while the run's lease is surely its own, else a
	 * renewal that rejects with `LEASE_LOST` when another runner took the thread over (decision 0109).
	 */
	confirmLease(): Promise<void> | undefined;
}

/** What one task runs with, whatever the attempt: passed explicitly to the node's policies. */
export interface TaskScope {
	readonly node: string;
	readonly host: TaskHost;
	readonly taskId: string;
	readonly memory: TaskMemory;
	/** New answers to this task's interrupts, by position. */
	readonly answers: ReadonlyMap<number, unknown>;
	/** New answers by interrupt id (for a subgraph task: its child's interrupts). */
	readonly answersById: ReadonlyMap<string, unknown>;
}

const keepTaskContext = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * The context of one attempt of a node task. Each attempt (a retry, a timed-out attempt's successor)
 * gets its own, with its own signal: an attempt that was abandoned (timed out, or its run cancelled)
 * starts no new `once` effect, while one it already started is shared with the next attempt instead of
 * running twice.
 */
export class TaskContext implements NodeContext {
	readonly threadId: string | undefined;
	readonly step: number;
	readonly node: string;
	/** The attempt's abort signal (made when first read: perf, issue 17). */
	get signal(): AbortSignal {
		return signalOf(this.#signal);
	}
	readonly #signal: RunSignal;
	readonly context: Readonly<Record<string, unknown>>;
	readonly streamingMessages: boolean;
	// the functions below are made when first read, each once (most nodes use none of them: perf, issue
	// 17); they are closures, so a node may take them off the context (`const { interrupt } = ctx`)
	#interrupt: NodeContext["interrupt"] | undefined;
	get interrupt(): NodeContext["interrupt"] {
		this.#interrupt ??= interruptOf(this.#scope, this.#calls);
		return this.#interrupt;
	}
	#once: NodeContext["once"] | undefined;
	get once(): NodeContext["once"] {
		this.#once ??= onceOf(this.#scope, this.#signal, this.#calls);
		return this.#once;
	}
	#emit: NodeContext["emit"] | undefined;
	get emit(): NodeContext["emit"] {
		this.#emit ??= (data) =>
			this.#scope.host.emit(this.node, "custom", data, this.#origin());
		return this.#emit;
	}
	#emitMessage: NodeContext["emitMessage"] | undefined;
	get emitMessage(): NodeContext["emitMessage"] {
		this.#emitMessage ??= (chunk, modelParams) =>
			this.#scope.host.emit(
				this.node,
				"message",
				chunk,
				this.#origin(),
				modelParams,
			);
		return this.#emitMessage;
	}
	#reportUsage: NodeContext["reportUsage"] | undefined;
	get reportUsage(): NodeContext["reportUsage"] {
		this.#reportUsage ??= (usage) => {
			checkUsageReport(this.node, usage);
			this.#scope.host.reportUsage(this.node, usage);
		};
		return this.#reportUsage;
	}
	/** Where this task's events come from: made at its first event (most tasks emit none). */
	#originMade: EventOrigin | undefined;
	#origin(): EventOrigin {
		const { host, node, taskId } = this.#scope;
		this.#originMade ??= {
			step: host.step,
			tasks: [{ node, id: taskId, checkpointId: host.checkpointId }],
		};
		return this.#originMade;
	}
	readonly store: Store | undefined;
	/** The run's callbacks, tags and metadata for LangChain calls (telemetry, issue 13). */
	get callOptions(): CallOptions {
		return callOptionsOf(this.#scope.host, this.node);
	}
	readonly #scope: TaskScope;
	readonly #calls: AttemptCalls = {
		interrupts: 0,
		subgraph: false,
		ended: false,
	};

	/** The scope and this attempt's calls behind a context (undefined for one not made by the runtime). */
	static internals(
		ctx: NodeContext,
	): { scope: TaskScope; calls: AttemptCalls } | undefined {
		return ctx instanceof TaskContext
			? { scope: ctx.#scope, calls: ctx.#calls }
			: undefined;
	}

	/**
	 * Marks the attempt's node function as returned (or thrown): see `AttemptCalls.ended`. Returns the
	 * interrupt that paused the attempt, if the node asked one it did not await.
	 */
	static end(ctx: TaskContext): InterruptSignal | undefined {
		ctx.#calls.ended = true;
		return ctx.#calls.paused;
	}

	/** See `onceResult` and `modelAnswer`. */
	static onceResult<T>(
		ctx: NodeContext,
		key: string,
		fn: (report: Report) => T | Promise<T>,
		kind: "result" | "answer",
	): Promise<T> {
		if (!(ctx instanceof TaskContext))
			return ctx.once(key, () => fn((u) => ctx.reportUsage(u)));
		if (ctx.#calls.ended) return Promise.reject(lateOnce(ctx.node, key));
		return once(ctx.#scope, ctx.#signal, key, fn, kind);
	}

	constructor(scope: TaskScope, signal: RunSignal) {
		keepTaskContext(this);
		const { host, node } = scope;
		this.#scope = scope;
		this.threadId = host.threadId;
		this.step = host.step;
		this.node = node;
		this.#signal = signal;
		this.context = host.context;
		this.streamingMessages = host.streams.has("messages");
		const store = host.config.store;
		this.store = store === undefined ? undefined : nodeStore(store, this);
	}
}

/** A task attempt's `ctx.once`. */
function onceOf(
	scope: TaskScope,
	signal: RunSignal,
	calls: AttemptCalls,
): NodeContext["once"] {
	return (key, fn) => {
		const refused = checkOnceCall(scope.node, calls, key, fn);
		if (refused !== undefined) return Promise.reject(refused);
		return once(scope, signal, key, fn, "effect");
	};
}

/**
 * `ctx.callOptions` with `ctx.signal`, as one new object: what the LLM layer passes to a model or tool
 * call. A runtime context's `callOptions` is made afresh on each read, so the signal is set on it (no
 * second object per call: perf, issue 17); another context's is copied.
 */
export function callConfig(
	ctx: NodeContext,
): CallOptions & { signal: AbortSignal } {
	// a runtime context itself (not an object derived from one, which could hold its own callOptions)
	if (Object.getPrototypeOf(ctx) === TaskContext.prototype) {
		const options = ctx.callOptions as CallOptions & { signal: AbortSignal };
		options.signal = ctx.signal;
		return options;
	}
	return { ...ctx.callOptions, signal: ctx.signal };
}

/**
 * `ctx.once` for an effect that is not told whether it is retrying (a model or tool call of the LLM layer):
 * the same saved result, shared running effect and abandoned-attempt check, but no `once-start` record,
 * which only serves to tell the effect `retrying` (perf, issue 17: one store write fewer per call). A
 * context not made by the runtime gets its own `once`.
 */
export function onceResult<T>(
	ctx: NodeContext,
	key: string,
	fn: () => T | Promise<T>,
): Promise<T> {
	return TaskContext.onceResult(ctx, key, fn, "result");
}

/**
 * `onceResult` for a model's answer: saved so that a resumed or recovered task does not pay for it again,
 * and forgotten when the task fails, so that its next attempt or run asks again rather than failing on
 * the same answer (decision 0205).
 */
export function modelAnswer<T>(
	ctx: NodeContext,
	key: string,
	fn: (report: Report) => T | Promise<T>,
): Promise<T> {
	return TaskContext.onceResult(ctx, key, fn, "answer");
}

/**
 * How a model call adds what it cost to the run (`ctx.reportUsage`); inside `modelAnswer`, the cost is also
 * saved with the answer (decision 0217).
 */
export type Report = (usage: UsageReport) => void;

async function once<T>(
	scope: TaskScope,
	signal: RunSignal,
	key: string,
	// an effect's takes the `OnceInfo`, a result's or an answer's the `Report`
	fn:
		| ((effect: OnceInfo) => T | Promise<T>)
		| ((report: Report) => T | Promise<T>),
	kind: "effect" | "result" | "answer",
): Promise<T> {
	const memory = scope.memory;
	if (memory.once.has(key)) return memory.once.get(key) as T;
	// an abandoned attempt's effect may still be running: share it rather than start it again
	const running = memory.onceRunning.get(key);
	if (running !== undefined) return running as Promise<T>;
	if (signal.aborted) throw abandoned(scope.node, key);
	// a runner that was paused past its lease learns whether it still holds it before any new effect
	const confirming = scope.host.confirmLease();
	const run = () =>
		kind === "effect"
			? runOnce(scope, key, fn as (effect: OnceInfo) => T | Promise<T>)
			: runForResult(
					scope,
					key,
					fn as (report: Report) => T | Promise<T>,
					kind === "answer",
				);
	const effect = confirming === undefined ? run() : confirming.then(run);
	memory.onceRunning.set(key, effect);
	try {
		return await effect;
	} finally {
		memory.onceRunning.delete(key);
	}
}

async function runOnce<T>(
	scope: TaskScope,
	key: string,
	fn: (effect: OnceInfo) => T | Promise<T>,
): Promise<T> {
	const { host, memory, taskId } = scope;
	const retrying = memory.onceStarted.has(key);
	if (!retrying) {
		memory.onceStarted.add(key);
		await host.persist([{ kind: "once-start", taskId, key }]);
		// paused while the record was on the wire (stored under the lease it still held), woken after a
		// take-over: the lease is read again before the effect (a `Date.now()` while it is surely ours)
		const confirming = host.confirmLease();
		if (confirming !== undefined) await confirming;
	}
	const idempotencyKey = `${host.threadId ?? "-"}/${host.ns}/${host.checkpointId ?? "-"}/${taskId}/${key}`;
	const value = await fn({ idempotencyKey, retrying });
	memory.once.set(key, value);
	await host.persist([{ kind: "once", taskId, key, value }]);
	return value;
}

/**
 * `onceResult`'s effect: run, then save the result (no start record, no `OnceInfo` built). A model's answer
 * is saved with what its call reported spending (decision 0217).
 */
async function runForResult<T>(
	scope: TaskScope,
	key: string,
	fn: (report: Report) => T | Promise<T>,
	answer: boolean,
): Promise<T> {
	const { host, memory, taskId, node } = scope;
	if (!answer) {
		const value = await fn(NO_REPORT);
		memory.once.set(key, value);
		await host.persist([{ kind: "once", taskId, key, value }]);
		return value;
	}
	let spent: AnswerCost[] | undefined;
	const value = await fn((usage) => {
		host.reportUsage(node, usage);
		spent ??= [];
		spent.push(answerCost(usage));
	});
	memory.setAnswer(key, value);
	const record: Extract<PendingWrite, { kind: "once" }> = {
		kind: "once",
		taskId,
		key,
		value,
		answer: true,
	};
	if (spent !== undefined) record.usage = spent;
	await host.persist([record]);
	return value;
}

/** A usage report as an answer's record keeps it: the figures, not the call's timing or content. */
function answerCost(u: UsageReport): AnswerCost {
	const cost: AnswerCost = {
		inputTokens: u.inputTokens ?? 0,
		outputTokens: u.outputTokens ?? 0,
	};
	if (u.model !== undefined) cost.model = u.model;
	if (u.cachedTokens) cost.cachedTokens = u.cachedTokens;
	if (u.costUsd !== undefined) cost.costUsd = u.costUsd;
	if (u.calls !== undefined) cost.calls = u.calls;
	return cost;
}

/** `onceResult`'s functions report nothing (a tool's result is no model call). */
const NO_REPORT: Report = () => {};

/** An attempt that timed out or whose run was cancelled asked for a new effect: refused. */
function abandoned(node: string, key: string): WeftError {
	return new WeftError(
		"RUN_CANCELLED",
		`node "${node}" called once("${key}") after its attempt was abandoned (timed out or cancelled)`,
		{
			hint: "pass ctx.signal to slow work and stop when it aborts; the effect did not run",
		},
	);
}
