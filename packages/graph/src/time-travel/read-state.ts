import type {
	ChainRecord,
	Checkpointer,
	CheckpointMetadata,
	CheckpointSource,
	CheckpointTuple,
	ListOptions,
	PendingWrite,
	StoredCheckpoint,
	TaskSpec,
	ThreadInfo,
} from "@weft/checkpoint";
import {
	CheckpointError,
	ConfigError,
	checkpointNotFound,
	corruptCheckpoint,
	isWeftError,
	keysOf,
	refuseUnknownKeys,
	validateId,
	type WeftError,
} from "@weft/checkpoint";
import {
	groupPending,
	type Interrupt,
	unanswered,
} from "../runtime/interrupts.ts";
import { sameAnswers, unfinishedAnswers } from "../runtime/resume-answers.ts";
import { replayChain, writesByTask } from "../runtime/state-loader.ts";
import {
	headIds,
	mayBeTakenUpElsewhere,
	readHeads,
	takenUpElsewhere,
} from "../runtime/thread-heads.ts";
import type { Channels } from "../state/channels.ts";
import { branchListing } from "./branch-listing.ts";

/** A thread's state at one checkpoint. */
export interface StateSnapshot<TState = Record<string, unknown>> {
	values: TState;
	/** Nodes due next (empty when the run has ended). */
	next: string[];
	/** The tasks due next, with Send payloads. */
	tasks: TaskSpec[];
	threadId: string;
	checkpointId: string;
	parentCheckpointId: string | null;
	step: number;
	source: CheckpointSource;
	createdAt: string;
	/** Requests waiting for an answer at this checkpoint. */
	interrupts: Interrupt[];
	/**
	 * What each task wrote in the step that made this checkpoint (Send tasks as `node#i`). A key a task
	 * wrote more than once (a subgraph node hands on each child step's writes) shows its last write; the
	 * `updates` stream and `updatesByTask(checkpoint.data.writes)` give each.
	 */
	writes: Record<string, Record<string, unknown>>;
	/**
	 * Tasks due here whose last attempt failed (the run ended with their error; a later run tries them
	 * again), by task id: the error's code and message, as `NodeError` gave them. Omitted when none failed.
	 */
	errors?: Record<string, { node: string; code: string; message: string }>;
	metadata: CheckpointMetadata;
	/**
	 * `getState` only: the thread's branch heads (checkpoints without a successor), newest first. More than
	 * one after a fork or a replay; each can be read, continued and answered by its id.
	 */
	heads?: string[];
}

export type StateHistory<TState> = AsyncIterable<StateSnapshot<TState>>;

interface Reader {
	checkpointer: Checkpointer;
	channels: Channels;
}

/** The failures recorded at a checkpoint, by task (the newest of each), as a snapshot's `errors`. */
function failedTasks(
	writes: readonly PendingWrite[],
): Pick<StateSnapshot, "errors"> {
	let errors: StateSnapshot["errors"];
	for (const w of writes)
		if (w.kind === "error") {
			errors ??= {};
			errors[w.taskId] = { node: w.node, code: w.code, message: w.message };
		}
	return errors === undefined ? {} : { errors };
}

/** The interrupts waiting for an answer at a stored checkpoint (no graph needed: for tools like the CLI). */
export function pendingInterrupts(
	tuple: Pick<CheckpointTuple, "checkpoint" | "pendingWrites">,
): Interrupt[] {
	return unanswered(
		tuple.checkpoint.data.tasks,
		groupPending(tuple.pendingWrites, tuple.checkpoint),
	).map(({ taskId: _t, index: _i, ...i }) => i);
}

/**
 * Whether a resume value, sent to a stored checkpoint with nothing pending, is the answer a run recorded
 * there and did not finish the step of (its process died, it was cancelled, the node failed after it):
 * a run sent it then goes on with that answer, as `null` would (decision 0178). No graph needed: for a
 * server's check before it makes a run.
 */
export function resendsAnswer(
	tuple: Pick<CheckpointTuple, "checkpoint" | "pendingWrites">,
	resume: unknown,
): boolean {
	const recorded = unfinishedAnswers(
		tuple.checkpoint.data.tasks,
		groupPending(tuple.pendingWrites, tuple.checkpoint),
	);
	return recorded.size > 0 && sameAnswers(resume, recorded);
}

/** A request waiting for an answer on one head of a thread. */
export interface WaitingRequest extends Interrupt {
	threadId: string;
	/** The head it waits on. */
	checkpointId: string;
	/** That head's branch: 1 ends at the thread's newest head, 2 at the next (`ThreadInfo.heads` order). */
	branch: number;
}

/**
 * Whether a thread can hold a request waiting for an answer: an interrupted one, or one with several
 * heads whatever its status (a thread's status follows the branch that ran last, so a request can wait
 * on any other head).
 */
export function mayBeWaiting(thread: ThreadInfo): boolean {
	return thread.status === "interrupted" || thread.heads.length > 1;
}

/**
 * The requests waiting on each head of a thread, newest branch first (no graph needed). With
 * `unreadable`, a head whose stored data cannot be read (`isUnreadableData`) is passed to it and the
 * other heads are read (a damaged branch does not hide a request on another); without, it is thrown.
 */
export async function waitingRequests(
	checkpointer: Checkpointer,
	thread: Pick<ThreadInfo, "threadId" | "heads">,
	options: {
		unreadable?: ((error: WeftError, head: string) => void) | undefined;
	} = {},
): Promise<WaitingRequest[]> {
	const found: WaitingRequest[] = [];
	const { threadId } = thread;
	for await (const h of readHeads(
		checkpointer,
		{ threadId, ns: "" },
		thread.heads,
	)) {
		if (h.error !== undefined) {
			if (options.unreadable === undefined) throw h.error;
			options.unreadable(h.error, h.checkpointId);
		} else if (h.tuple !== undefined)
			for (const i of pendingInterrupts(h.tuple))
				found.push({
					...i,
					threadId,
					checkpointId: h.checkpointId,
					branch: h.branch,
				});
	}
	return found;
}

function snapshotOf(
	tuple: Pick<CheckpointTuple, "checkpoint" | "pendingWrites">,
	values: Record<string, unknown>,
): StateSnapshot {
	const c = tuple.checkpoint;
	return {
		values,
		next: c.data.tasks.map((t) => t.node),
		tasks: c.data.tasks,
		threadId: c.threadId,
		checkpointId: c.checkpointId,
		parentCheckpointId: c.parentId,
		step: c.step,
		source: c.source,
		createdAt: c.createdAt,
		interrupts: pendingInterrupts(tuple),
		writes: writesByTask(c.data.writes),
		...failedTasks(tuple.pendingWrites),
		metadata: c.metadata,
	};
}

async function tupleOf(
	r: Reader,
	threadId: string,
	checkpointId: string | undefined,
): Promise<CheckpointTuple> {
	const tuple = await r.checkpointer.getTuple({ threadId, checkpointId });
	if (tuple !== undefined) return tuple;
	throw checkpointId === undefined
		? new CheckpointError(
				"CHECKPOINT_NOT_FOUND",
				`thread "${threadId}" has no checkpoint`,
				{ hint: "run the thread first" },
			)
		: checkpointNotFound(threadId, "", checkpointId);
}

/** The state at one checkpoint: its chain replayed from the nearest snapshot. */
export async function readState(
	r: Reader,
	config: { threadId: string; checkpointId?: string | undefined },
): Promise<StateSnapshot> {
	const tuple = await tupleOf(r, config.threadId, config.checkpointId);
	const chain = await chainOf(r, tuple);
	const snapshot = snapshotOf(tuple, replayChain(r.channels, chain));
	// questions another copy of the checkpoint took up wait there no more (a resume at it is refused)
	if (
		mayBeTakenUpElsewhere(tuple) &&
		snapshot.interrupts.length > 0 &&
		(await takenUpElsewhere(
			r.checkpointer,
			{ threadId: config.threadId, ns: "" },
			tuple,
		)) !== undefined
	)
		snapshot.interrupts = [];
	snapshot.heads = await headIds(r.checkpointer, config.threadId);
	return snapshot;
}

/**
 * The chain up to the tuple's checkpoint, reusing the tuple's decoded record: only its ancestors are read,
 * so each record is decoded once per read (the target was decoded twice, the tuple's and the chain's).
 */
async function chainOf(
	r: Reader,
	tuple: CheckpointTuple,
): Promise<StoredCheckpoint[]> {
	const c = tuple.checkpoint;
	if (c.data.snapshot !== undefined || c.parentId === null) return [c];
	try {
		const chain = await r.checkpointer.getChain({
			threadId: c.threadId,
			ns: c.ns,
			checkpointId: c.parentId,
		});
		return [...chain, c];
	} catch (error) {
		// what getChain of the checkpoint itself reports: a missing parent is a gap in its chain
		if (isWeftError(error, "CHECKPOINT_NOT_FOUND"))
			throw corruptCheckpoint(
				c,
				`its parent "${c.parentId}" is missing (a gap in the chain)`,
			);
		throw error;
	}
}

/**
 * `getStateHistory`'s options: the store's `ListOptions`, with `before` also given as a config or a
 * snapshot that names the checkpoint (`{ checkpointId }`), as LangGraph passes a config there.
 */
export interface HistoryOptions extends Omit<ListOptions, "before"> {
	before?:
		| string
		| { threadId?: string | undefined; checkpointId?: string | undefined }
		| undefined;
}

/** The checkpoint id `before` names. */
function beforeId(before: HistoryOptions["before"]): string | undefined {
	if (typeof before !== "object" || before === null) return before;
	if (typeof before.checkpointId === "string") return before.checkpointId;
	throw new ConfigError(
		"CONFIG_INVALID",
		"getStateHistory before must be a checkpoint id or an object with one ({ checkpointId })",
		{
			hint: "pass before: snapshot.checkpointId, or leave it out for the newest checkpoints",
		},
	);
}

const HISTORY_OPTION_KEYS = keysOf<HistoryOptions>({
	limit: true,
	before: true,
	filter: true,
});

/**
 * Checkpoints newest first, each with its state. One chain replay fills a cache with the states of the
 * checkpoints that follow in the listing (their ancestors), so a full listing costs O(steps), not O(steps²).
 * The chain is read with each record's pending writes, and a listed checkpoint uses that record: each is
 * decoded once (a store without `withWrites` support is asked for the tuple instead).
 */
export async function* readHistory(
	r: Reader,
	config: { threadId: string; checkpointId?: string | undefined },
	given: HistoryOptions,
): AsyncGenerator<StateSnapshot> {
	if (typeof given !== "object" || given === null || Array.isArray(given))
		throw new ConfigError(
			"CONFIG_INVALID",
			"getStateHistory options must be an object",
			{ hint: "pass { limit, before, filter }, or leave the options out" },
		);
	refuseUnknownKeys(given, HISTORY_OPTION_KEYS, "getStateHistory");
	const before = beforeId(given.before);
	const options: ListOptions = { ...given, before };
	const { limit } = options;
	if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
		throw new ConfigError(
			"CONFIG_INVALID",
			`getStateHistory limit must be a whole number of at least 1, not ${typeof limit === "string" ? `the string ${JSON.stringify(limit)}` : String(limit)}`,
			{ hint: "leave limit out for the whole history" },
		);
	const from = config.checkpointId;
	// the checkpoints named (a bound, a start) must exist: an unknown id is not an empty history
	for (const id of [before, from]) {
		if (id === undefined) continue;
		validateId(id, "checkpoint id");
		const at = { threadId: config.threadId, checkpointId: id };
		// a bound only has to exist: one that does not read (corrupt) still bounds the listing, which is
		// how the ones before a damaged checkpoint are found (its error names it)
		const found = await r.checkpointer.getTuple(at).catch((error: unknown) => {
			if (
				id === before &&
				id !== from &&
				isWeftError(error, "CORRUPT_CHECKPOINT")
			)
				return true;
			throw error;
		});
		if (found === undefined) throw checkpointNotFound(config.threadId, "", id);
	}
	// with a checkpoint: it and its ancestors (its branch), as LangGraph lists history from one
	const listing =
		from === undefined
			? r.checkpointer.list({ threadId: config.threadId }, options)
			: branchListing(r.checkpointer, config.threadId, from, options);
	// each checkpoint read on a chain, with its state, until the listing reaches it
	const seen = new Map<
		string,
		{ record: ChainRecord; values: Record<string, unknown> }
	>();
	for await (const summary of listing) {
		const id = summary.checkpointId;
		if (!seen.has(id)) {
			const chain = await r.checkpointer.getChain(
				{ threadId: config.threadId, checkpointId: id },
				{ stopAt: (c) => seen.has(c), withWrites: true },
			);
			const first = chain[0]!;
			let values =
				first.data.snapshot === undefined && first.parentId !== null
					? seen.get(first.parentId)?.values
					: undefined;
			for (const record of chain) {
				// not frozen: these states go to the caller, never to a node (freezing each was O(state) a step)
				values = replayChain(r.channels, [record], values, false);
				seen.set(record.checkpointId, { record, values });
			}
		}
		const { record, values } = seen.get(id)!;
		seen.delete(id);
		const tuple =
			record.pendingWrites === undefined
				? await tupleOf(r, config.threadId, id)
				: { checkpoint: record, pendingWrites: record.pendingWrites };
		yield snapshotOf(tuple, values);
	}
}
