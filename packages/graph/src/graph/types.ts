import type { Store } from "@weft/checkpoint";
import type { z } from "zod";
import type { Command, Route } from "../command.ts";
import type { END } from "../constants.ts";
import type { ReducerBrand } from "../state/reducer.ts";

/** A zod object schema usable as graph state. */
export type AnyStateSchema = z.ZodObject<z.ZodRawShape>;

/** The state a node reads. */
export type StateOf<TSchema extends AnyStateSchema> = z.output<TSchema>;

/** What a node may return as an update: any subset of keys; reducer keys take the reducer's update type. */
export type UpdateOf<TSchema extends AnyStateSchema> = {
	[K in keyof TSchema["shape"]]?: TSchema["shape"][K] extends ReducerBrand<
		infer TUpdate
	>
		? TUpdate
		: z.output<TSchema["shape"][K]>;
};

/** What a node returns. */
export type NodeResult<
	TSchema extends AnyStateSchema,
	TGoto extends string = string,
> =
	| UpdateOf<TSchema>
	| Command<TGoto>
	| undefined
	// biome-ignore lint/suspicious/noConfusingVoidType: a node that returns nothing has type void
	| void;

/** Where `interrupt()` pauses: the answer the caller resumes with is returned by the call. */
export interface InterruptOptions<TResume> {
	/** Checks (and may transform) the resume value before it is accepted and saved. */
	validate?: ((value: unknown) => TResume) | undefined;
	/** Shown with the pending interrupt (e.g. the name of a human checkpoint). */
	name?: string | undefined;
}

/** Token and cost figures a node reports (the LLM layer does this for model calls). */
export interface UsageReport {
	model?: string | undefined;
	inputTokens?: number | undefined;
	outputTokens?: number | undefined;
	cachedTokens?: number | undefined;
	costUsd?: number | undefined;
	/** How many model calls the figures cover (default 1: a report per call). */
	calls?: number | undefined;
	/** How long the call took: recorded with the step, for latency figures (`weft stats`). */
	durationMs?: number | undefined;
	/** What the call was, kept with the step's timing (`metadata.timing.calls`) for the studio. */
	call?: ModelCallRecord | undefined;
}

/**
 * One model call as a step records it. `prompt` and `response` are kept only when content recording is
 * on (`configureTelemetry({ recordContent: true })`; `weft dev` turns it on).
 */
export interface ModelCallRecord {
	node: string;
	model: string;
	durationMs: number;
	inputTokens: number;
	outputTokens: number;
	cachedTokens: number;
	costUsd?: number | undefined;
	/** Answered from `@weft/models`' cache. */
	cacheHit: boolean;
	/** A later model of the route answered after the first failed (`@weft/models`). */
	fallback: boolean;
	finishReason?: string | undefined;
	/** The messages sent, as `{ type, content, tool_calls?, … }` (with content recording only). */
	prompt?: Array<Record<string, unknown>> | undefined;
	/** The answer, in the same shape (with content recording only). */
	response?: Record<string, unknown> | undefined;
}

/**
 * What a node passes to the LangChain calls it makes (`model.invoke(input, { ...ctx.callOptions })`) so
 * that the run's callbacks, tags and metadata reach them, with the thread, node and step as metadata.
 */
export interface CallOptions {
	callbacks?: RunCallbacks | undefined;
	tags?: string[] | undefined;
	metadata?: Record<string, unknown> | undefined;
}

/** LangChain callbacks as a run takes them: handlers, or a callback manager (typed loosely: no LangChain here). */
export type RunCallbacks = readonly object[] | object;

/** What a node gets besides its input. */
export interface NodeContext {
	/** The thread this run belongs to (undefined without a checkpointer and no threadId). */
	readonly threadId: string | undefined;
	/** The superstep being executed (the step of the checkpoint it will produce). */
	readonly step: number;
	/** This node's name. */
	readonly node: string;
	/** Aborted when the run is cancelled or the node times out. */
	readonly signal: AbortSignal;
	/** The run's read-only user context (`RunConfig.context`). */
	readonly context: Readonly<Record<string, unknown>>;
	/**
	 * Pauses the run until it is resumed, then returns the resume value. The node runs again from its start
	 * on resume; earlier `interrupt()` calls of this run of the node return their saved answers by position.
	 * Await it: a node that returns while a question is unanswered is paused all the same, its update dropped.
	 */
	interrupt<TResume = unknown>(
		value: unknown,
		options?: InterruptOptions<TResume>,
	): Promise<TResume>;
	/**
	 * Runs a side effect once per node task: its result is saved with the task, so a node that runs again
	 * after a resume or a crash gets the saved result instead of repeating the effect. Only a process that
	 * dies after the effect but before its result is saved runs it again: then `retrying` is true, and
	 * `idempotencyKey` (the same on every attempt) lets the effect check or dedupe at its destination.
	 */
	once<T>(key: string, fn: (effect: OnceInfo) => T | Promise<T>): Promise<T>;
	/** Sends a `custom` stream event. */
	emit(data: unknown): void;
	/**
	 * Sends a `message` stream event (LLM token chunks). `modelParams`: what the model that made the chunk
	 * reports of itself (LangChain's `ls_provider`, `ls_model_name`, `ls_model_type`, `ls_temperature`…),
	 * carried on the event; `llmNode` and `createAgent` pass their model's.
	 */
	emitMessage(
		chunk: unknown,
		modelParams?: Readonly<Record<string, unknown>> | undefined,
	): void;
	/**
	 * True when the caller consumes `message` events (a `stream` with the "messages" or "debug" mode, or
	 * with no mode filter): token streaming is worth its cost only then.
	 */
	readonly streamingMessages: boolean;
	/**
	 * Adds token and cost figures to the run's usage. A figure that is not one (a count that is not a whole
	 * number ≥ 0, a cost or duration that is not a finite number ≥ 0, NaN, a string) throws CONFIG_INVALID
	 * naming it, and nothing of the report is counted.
	 */
	reportUsage(usage: UsageReport): void;
	/**
	 * The run's long-term memory (given to `compile()` or the run), undefined without one. Namespace
	 * templates (`["users", "{userId}"]`) are filled from `context`; writes run once per task.
	 */
	readonly store?: Store | undefined;
	/** Options for LangChain calls: the run's `callbacks`, `tags` and `metadata` (see `CallOptions`). */
	readonly callOptions: CallOptions;
}

/** What a `ctx.once` effect is told. */
export interface OnceInfo {
	/** Stable across attempts of this effect: pass it to APIs that dedupe (payments, mail). */
	idempotencyKey: string;
	/** An earlier attempt started and its process died before saving the result: it may have happened. */
	retrying: boolean;
}

/** A node function. `TInput` is the state, or a `Send`'s payload for nodes reached by `Send`. */
export type NodeFn<
	TSchema extends AnyStateSchema,
	TInput = Readonly<StateOf<TSchema>>,
	TGoto extends string = string,
> = (
	input: TInput,
	ctx: NodeContext,
) => NodeResult<TSchema, TGoto> | Promise<NodeResult<TSchema, TGoto>>;

/** Retry policy of a node. */
export interface RetryPolicy {
	/** Attempts in all, the first included (default 3). */
	maxAttempts?: number | undefined;
	/** Delay before the second attempt (default 100 ms). */
	initialDelayMs?: number | undefined;
	/** Factor applied to the delay after each attempt (default 2). */
	backoff?: number | undefined;
	/** Upper bound of a delay (default 10 s). */
	maxDelayMs?: number | undefined;
	/** Randomise delays by up to ±50 % (default true). */
	jitter?: boolean | undefined;
	/**
	 * Which errors are retried (default: any error that is not a WeftError, a node's timeout, a model's
	 * structured output that stayed invalid after its repair (decision 0205), and a model router's
	 * transient failure: MODEL_TIMEOUT, RATE_LIMIT_TIMEOUT, and MODEL_UNAVAILABLE after a 429, 5xx,
	 * timeout or network error (decision 0228)).
	 */
	retryOn?: ((error: unknown) => boolean) | undefined;
}

/** Node result cache policy: a result is reused for the same node and input. */
export interface CachePolicy<TInput = unknown> {
	/** Cache key of an input (default: its JSON). */
	key?: ((input: TInput) => string) | undefined;
	/** How long an entry lives (default: for the life of the compiled graph). */
	ttlMs?: number | undefined;
}

export interface NodeOptions<TInput = unknown> {
	retry?: RetryPolicy | undefined;
	/** Fails the node with NODE_TIMEOUT after this long (its signal is aborted). */
	timeoutMs?: number | undefined;
	cache?: CachePolicy<TInput> | undefined;
	/** Nodes this node may send the run to with `Command.goto` (for validation and diagrams). */
	ends?: readonly string[] | undefined;
}

/** A router: picks the next node(s) from the state after the step. */
export type Router<TSchema extends AnyStateSchema, TNode extends string> = (
	state: Readonly<StateOf<TSchema>>,
	ctx: { readonly context: Readonly<Record<string, unknown>> },
) => Route<TNode> | Promise<Route<TNode>>;

/** Goto targets found in a node's result type. */
export type GotoOf<TResult> =
	TResult extends Command<infer TGoto>
		? string extends TGoto
			? never
			: TGoto
		: never;

/** The END marker type, re-exported for signatures. */
export type EndNode = END;
