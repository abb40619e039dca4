import type { Checkpointer, Store } from "@weft/checkpoint";
import type { RunCallbacks } from "../graph/types.ts";
import type { AgentInfo } from "../telemetry/agent-span.ts";
import type { Interrupt } from "./interrupts.ts";
import type { RunStatus } from "./run-machine.ts";
import type { RunUsage } from "./usage.ts";

/** Options of one run. */
export interface RunConfig {
	/** The thread to run on; required with a checkpointer. */
	threadId?: string | undefined;
	/**
	 * Continue from this checkpoint instead of the thread's newest; `null`: from the empty state, as a new
	 * branch beside the thread's others (a run with input only).
	 */
	checkpointId?: string | null | undefined;
	/** Most supersteps one run may take (default 100). */
	recursionLimit?: number | undefined;
	/** Cancels the run: running nodes see it aborted, the run ends `cancelled`. */
	signal?: AbortSignal | undefined;
	/** Most tasks of a step run at once (default: all). */
	maxConcurrency?: number | undefined;
	/** Read-only user context, given to every node as `ctx.context`. */
	context?: Record<string, unknown> | undefined;
	/** Stored with every checkpoint this run writes (filterable in history). */
	metadata?: Record<string, string | number | boolean | null> | undefined;
	/** LangChain callback handlers given to every model and tool call of the run (LangSmith, Langfuse, …). */
	callbacks?: RunCallbacks | undefined;
	/** Tags given to every model and tool call of the run (LangChain `tags`). */
	tags?: readonly string[] | undefined;
	/** Pause before these nodes (added to the compiled graph's own list). */
	interruptBefore?: readonly string[] | undefined;
	/** Pause after these nodes. */
	interruptAfter?: readonly string[] | undefined;
	/** Long-term memory for this run's nodes (`ctx.store`); overrides the store given to `compile()`. */
	store?: Store | undefined;
	/**
	 * When another runner holds the thread's lease, wait up to this many milliseconds for it instead of
	 * failing at once with `THREAD_BUSY`.
	 */
	waitForLease?: number | undefined;
	/**
	 * Go on from a checkpoint written under another state schema (decision 0018) instead of failing with
	 * `GRAPH_CHANGED`; the stored state is still checked against the new schema as it is read.
	 */
	acceptSchemaChange?: boolean | undefined;
}

/** What a run ended as. */
export interface RunResult<TState = Record<string, unknown>> {
	/** How the run ended; a run that fails throws (`invoke`, `run`) or ends its stream with an `error` event. */
	status: "done" | "interrupted" | "cancelled";
	values: TState;
	/** Pending requests when `status` is "interrupted". */
	interrupts: Interrupt[];
	/** The checkpoint the run ended at (undefined without a checkpointer). */
	checkpointId: string | undefined;
	/**
	 * Supersteps this run started (one per `weft.step` span, `weft.steps` on its run span): a step it was
	 * cancelled or interrupted in counts (decision 0088).
	 */
	steps: number;
	usage: RunUsage;
}

/** Stream modes: which events a stream yields. */
export type StreamMode =
	| "values"
	| "updates"
	| "messages"
	| "custom"
	| "checkpoints"
	| "debug";

/**
 * A task a node-level event came from: its node, its id at the checkpoint its step started from (the
 * node, or `node#i` for a Send's i-th task). A subgraph's event lists the parent's task first.
 */
export interface EventTask {
	node: string;
	id: string;
	checkpointId: string | undefined;
}

/** Where a node-level event (`message`, `custom`) came from: the step of its run and its tasks. */
export interface EventOrigin {
	/** The step the emitting task produces (a subgraph's: its own run's step). */
	step: number;
	/** The task, after the tasks of the parent runs it runs inside (outermost first). */
	tasks: readonly EventTask[];
}

/**
 * Where a subgraph run's event came from, with `subgraphs: true`: the tasks of the parent runs it runs
 * inside (outermost first). Absent on the root run's own events.
 */
export interface EventNamespace {
	namespace?: readonly EventTask[] | undefined;
}

/** Events of `stream()`. */
export type StreamEvent<TState = Record<string, unknown>> =
	| ({ type: "values"; step: number; data: TState } & EventNamespace)
	| ({
			type: "update";
			step: number;
			node: string;
			data: Record<string, unknown>;
			/** The task that wrote it (its id, and the checkpoint its step ran from), as a `message` names it. */
			task: EventTask;
	  } & EventNamespace)
	| ({
			type: "message";
			node: string;
			chunk: unknown;
			/** What the model reports of itself (LangChain's `ls_*` params), when the emitter gave it. */
			modelParams?: Readonly<Record<string, unknown>> | undefined;
	  } & EventOrigin)
	| ({ type: "custom"; node: string; data: unknown } & EventNamespace)
	| { type: "interrupt"; interrupts: Interrupt[] }
	| ({
			type: "checkpoint";
			checkpointId: string;
			step: number;
	  } & EventNamespace)
	| {
			type: "error";
			node: string | undefined;
			error: unknown;
			/** What the run spent, its failed step included (also `runUsageOf(error)`). */
			usage: RunUsage;
	  }
	| {
			type: "lifecycle";
			state: RunStatus | "planning" | "executing" | "committing";
			step: number;
	  }
	| ({
			type: "task";
			step: number;
			node: string;
			id: string;
			phase: "start" | "end";
			reused?: boolean;
	  } & EventNamespace)
	| { type: "end"; result: RunResult<TState> };

/** Options of `stream()`. */
export interface StreamConfig extends RunConfig {
	/** Which events (default: all but "debug"). Interrupt, error and end events always come. */
	mode?: StreamMode | readonly StreamMode[] | undefined;
	/**
	 * Also the `values`, `update`, `checkpoint` and `task` events of subgraph runs (of the modes asked
	 * for), each with its `namespace`, and their `custom` events with it too (default false: a subgraph's
	 * writes reach the stream as its node's updates, its `message` and `custom` events as its parent's).
	 */
	subgraphs?: boolean | undefined;
}

/** Options of `compile()`. */
export interface CompileOptions<TNodes extends string = string> {
	checkpointer?: Checkpointer | undefined;
	/** Long-term memory across threads, given to nodes as `ctx.store` (a run's `store` overrides it). */
	store?: Store | undefined;
	interruptBefore?: readonly TNodes[] | undefined;
	interruptAfter?: readonly TNodes[] | undefined;
	/** A name for diagrams and messages. */
	name?: string | undefined;
	/**
	 * How long a run's lease on its thread lasts without a heartbeat (default 30 s; renewed every third
	 * of it). A runner that dies leaves the thread `stale` after this long; `graph.recover()` goes on.
	 */
	leaseTtlMs?: number | undefined;
	/** When a checkpoint holds a full snapshot besides its writes (see docs/architecture.md). */
	snapshots?:
		| { minSteps?: number | undefined; maxSteps?: number | undefined }
		| undefined;
	/**
	 * The graph is a GenAI agent: its run span is `invoke_agent {name}` with the OpenTelemetry GenAI agent
	 * attributes instead of `weft.run {graph}` (`createAgent` and `createSupervisor` set it; decision 0131).
	 */
	agent?: AgentInfo | undefined;
}
