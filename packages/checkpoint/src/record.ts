/** Where a checkpoint came from: the run's input, a superstep, a manual update, or a fork of another thread's state. */
export type CheckpointSource = "input" | "loop" | "update" | "fork";

/** What a thread is doing, as last recorded by the run that held its lease. */
export type StoredThreadStatus =
	| "running"
	| "interrupted"
	| "done"
	| "failed"
	| "cancelled";

/**
 * What a thread is doing, as read: the stored status, or `"stale"` for a thread recorded as running
 * whose lease expired (its runner died or lost the store). Stores compute `"stale"` on read; it is
 * never written.
 */
export type ThreadStatus = StoredThreadStatus | "stale";

/** A JSON value: what metadata may hold (it is stored and filtered without the serializer). */
export type JsonValue =
	| string
	| number
	| boolean
	| null
	| JsonValue[]
	| { [key: string]: JsonValue };

/** One write as a node made it: the node (task name), the channel, the reducer input. */
export type ChannelWrite = readonly [
	node: string,
	channel: string,
	value: unknown,
];

/** A task due to run at a checkpoint: a node, and for a `Send` its private input. */
export interface TaskSpec {
	/** Unique within the checkpoint: the node name, or `node#i` for the i-th Send of the step. */
	id: string;
	node: string;
	/** Present for a Send: the node runs with this as its input instead of the state. */
	input?: unknown;
}

/** The part of a checkpoint that goes through the serializer. */
export interface CheckpointData {
	/** What each node wrote in the step that made this checkpoint, in the order applied. */
	writes: ChannelWrite[];
	/** The full channel values, present on the first checkpoint of a branch and every so often after. */
	snapshot?: Record<string, unknown>;
	/** Tasks due next. */
	tasks: TaskSpec[];
	/** Join edges waiting for more of their sources: join id → sources seen. */
	joins?: Record<string, string[]>;
}

/** Small descriptive data kept beside a checkpoint, readable without its blob. */
export interface CheckpointMetadata {
	/** Nodes that wrote in the step that made this checkpoint (for an update, the `asNode`). */
	nodes: string[];
	/** Channels written in that step. */
	changed: string[];
	/** Nodes due next. */
	next: string[];
	/** The data holds a full snapshot. */
	snapshot: boolean;
	/** User metadata from the run config, and keys other layers add (e.g. `parentTask` of a subgraph run). */
	[key: string]: JsonValue | undefined;
}

/** A checkpoint as the runtime hands it to a store. */
export interface CheckpointRecord {
	threadId: string;
	/** "" for the root graph, `node` or `outer:inner` for subgraphs. */
	ns: string;
	/** A UUIDv7 made by the writer. Unique, but not an order: see `StoredCheckpoint.seq`. */
	checkpointId: string;
	parentId: string | null;
	step: number;
	source: CheckpointSource;
	/** ISO 8601. */
	createdAt: string;
	metadata: CheckpointMetadata;
	data: CheckpointData;
}

/** A checkpoint without its data blob: what listings return. */
export interface CheckpointSummary extends Omit<CheckpointRecord, "data"> {
	/** Bytes of the stored (serialized) data. */
	size: number;
	/**
	 * The checkpoint's place in its thread, assigned by the store in the commit transaction (1, 2, …
	 * per thread, across namespaces): "newest" means the highest `seq`, never the newest clock.
	 */
	seq: number;
}

/** A checkpoint as a store returns it. */
export interface StoredCheckpoint extends CheckpointRecord {
	size: number;
	/** See `CheckpointSummary.seq`. */
	seq: number;
}

/**
 * What a task recorded at a checkpoint while its step was not yet committed:
 * finished work, interrupts, answers to them, results of `ctx.once`, failures.
 * A step that completes becomes a new checkpoint; these stay with the checkpoint they were made at.
 */
export type PendingWrite =
	| {
			kind: "done";
			taskId: string;
			node: string;
			writes: ChannelWrite[];
			/** Where the task's `Command.goto` sent the run: node names, and `Send`s as `{ node, input }`. */
			goto?: Array<string | { node: string; input: unknown }>;
	  }
	| {
			kind: "interrupt";
			taskId: string;
			node: string;
			/** Stable id users resume by. */
			id: string;
			/** Position of the `interrupt()` call within the node run. */
			index: number;
			value: unknown;
			/** Set for `interruptBefore` / `interruptAfter` pauses. */
			when?: "before" | "after";
			/** Set when a subgraph run of the task asked it: that run's namespace (its answer goes there). */
			subgraph?: string;
			/**
			 * With `subgraph`: the subgraph run's checkpoint where it asked, so that a copy of this checkpoint
			 * (an update's, a branch's) goes on from there rather than starting the subgraph again (0149).
			 */
			subgraphCheckpoint?: string;
			/**
			 * Set on a node's question that `updateState` carried to its checkpoint: asked from the state
			 * before the update, it is answered only while the node still asks the same (decision 0174).
			 */
			beforeUpdate?: true;
	  }
	| { kind: "resume"; taskId: string; index: number; value: unknown }
	| {
			kind: "once";
			taskId: string;
			key: string;
			value: unknown;
			/**
			 * A model's answer (the LLM layer's calls): forgotten when its task fails, so that running the task
			 * again asks the model again instead of replaying the answer it failed on (decision 0205).
			 */
			answer?: true;
			/**
			 * With `answer`: what the call cost, as the node reported it (one entry a report: the call, and any
			 * side call made for it). A run that takes up an answer no later `usage` record accounts for (its
			 * maker died, or was cancelled) counts it with its step (decision 0217).
			 */
			usage?: AnswerCost[];
	  }
	/** A `ctx.once` effect was about to run (its result follows as a `once` record, unless the process died). */
	| { kind: "once-start"; taskId: string; key: string }
	| {
			kind: "error";
			taskId: string;
			node: string;
			code: string;
			message: string;
			/** The error's hint (what to do), when it had one. */
			hint?: string;
			/**
			 * Set on the records of an error that stopped tasks without one of them failing (a step's commit,
			 * the recursion limit): the tasks' saved model answers stay (decision 0205).
			 */
			stopped?: true;
	  }
	/**
	 * The model usage a run spent on a step it left unfinished here (paused, failed): counted in the
	 * thread's usage while the checkpoint is a head, then by the checkpoint that goes on from it (decision
	 * 0206). `taskId` is "": it belongs to the step.
	 */
	| {
			kind: "usage";
			taskId: string;
			usage: StepUsage;
			/**
			 * For each task of the step that ran a subgraph, by task id: the subgraph's checkpoint whose steps'
			 * usage `usage` holds (decision 0211). A run that goes on with the subgraph counts what it committed
			 * after that one.
			 */
			subgraphs?: { [taskId: string]: string };
	  };

/** One usage report of a model call, as an answer's record keeps it (decision 0217). */
export interface AnswerCost {
	model?: string;
	inputTokens: number;
	outputTokens: number;
	cachedTokens?: number;
	costUsd?: number;
	calls?: number;
}

/** A step's model usage as stored (a graph's `RunUsage`: totals, `byModel`, `byNode`). */
export type StepUsage = { [key: string]: JsonValue };

/** A checkpoint with what was recorded at it. */
export interface CheckpointTuple {
	checkpoint: StoredCheckpoint;
	pendingWrites: PendingWrite[];
	/** Another checkpoint has this one as parent (continuing from it makes a new branch). */
	hasChildren: boolean;
}

/**
 * What a thread's own row says: its status as read (`stale` included) and its lease, as in `ThreadInfo`
 * (`Checkpointer.getThreadLease`).
 */
export type ThreadLeaseState = Pick<ThreadInfo, "status" | "lease">;

/** A thread as listed: no state is read. */
export interface ThreadInfo {
	threadId: string;
	status: ThreadStatus;
	createdAt: string;
	updatedAt: string;
	/** Newest checkpoint of the root graph (highest `seq`), if any. */
	checkpointId: string | null;
	/** Step of that checkpoint. */
	step: number;
	checkpoints: number;
	/**
	 * Heads of the root graph's branches: checkpoints without a successor, newest (highest `seq`) first.
	 * `heads[0]` is `checkpointId`. More than one after a fork or replay.
	 */
	heads: string[];
	/** The lease as last recorded (also an expired one), or null when no runner holds it. */
	lease: Lease | null;
}

/**
 * The right to run a thread. Only the holder of the thread's current lease may commit checkpoints,
 * pending writes and status: stores check `token` (the fencing token) in the same transaction.
 */
export interface Lease {
	threadId: string;
	/** Fencing token: grows with every acquisition of this thread's lease (1, 2, …), never reused. */
	token: number;
	/** Who holds it (a runner id: process, host, random part), for messages and `weft threads`. */
	owner: string;
	/** ISO 8601, by the store's clock where it has one (Postgres `now()`), when it lapses unless renewed. */
	expiresAt: string;
}
