import {
	CheckpointError,
	type Checkpointer,
	type CheckpointTuple,
	isUnreadableData,
	type WeftError,
} from "@weft/checkpoint";
import { groupPending, interruptId, unanswered } from "./interrupts.ts";
import { newestKeeper } from "./keep-shape.ts";
import { checkRecords } from "./pending-records.ts";

// The head lookups of a resume: which branch of a thread an answer goes to, and, when nothing waits on the
// newest head, which other branch a question waits on.

const keepThreadHeads = newestKeeper(); // keep-shape.ts, decision 0196

/** The heads of one namespace of a thread, read for a resume. */
export class ThreadHeads {
	readonly #cp: Checkpointer;
	readonly #threadId: string;
	readonly #ns: string;

	constructor(cp: Checkpointer, threadId: string, ns: string) {
		keepThreadHeads(this);
		this.#cp = cp;
		this.#threadId = threadId;
		this.#ns = ns;
	}

	/**
	 * The newest head whose pending interrupts include all of `ids` (none given, or none found: undefined,
	 * meaning the newest head). Reads only the heads' pending writes. A head that cannot be read is passed
	 * over, so that a damaged branch never blocks answering a healthy one; when no head that reads has the
	 * ids, they could only be pending there, and its error says so.
	 */
	async headWithInterrupts(
		ids: readonly string[],
	): Promise<string | undefined> {
		if (ids.length === 0) return undefined;
		const heads = await this.#list();
		if (heads.length < 2) return undefined;
		let unreadable: { branch: number; error: WeftError } | undefined;
		for await (const h of this.#read(heads)) {
			if (h.error !== undefined) {
				unreadable ??= h;
				continue;
			}
			const pending = new Set(
				h.tuple?.pendingWrites.flatMap((w) =>
					w.kind === "interrupt" ? [w.id] : [],
				),
			);
			if (ids.every((id) => pending.has(id))) return h.checkpointId;
		}
		if (unreadable !== undefined) {
			const { branch, error } = unreadable;
			throw new CheckpointError(
				error.code,
				`interrupt ${ids.map((id) => `"${id}"`).join(", ")} is pending on no head of thread "${this.#threadId}" that reads; it may wait on branch ${branch}, which cannot be read: ${error.message}`,
				{
					hint: `answer another branch by its checkpointId (getThread().heads), or repair branch ${branch}: ${error.hint ?? "see the cause"}`,
					cause: error,
				},
			);
		}
		return undefined;
	}

	/**
	 * The newest head other than `except` with an interrupt nobody answered (heads that cannot be read are
	 * passed over): where a resume that found nothing to answer on the newest head can go. Read only on
	 * that error's path.
	 */
	async waitingHead(
		except: string,
	): Promise<{ checkpointId: string; branch: number } | undefined> {
		for await (const h of this.#read(await this.#list(), except)) {
			if (h.tuple === undefined) continue;
			const memory = groupPending(h.tuple.pendingWrites, h.tuple.checkpoint);
			if (unanswered(h.tuple.checkpoint.data.tasks, memory).length > 0)
				return { checkpointId: h.checkpointId, branch: h.branch };
		}
		return undefined;
	}

	/** `takenUpElsewhere` in this namespace. */
	takenUpElsewhere(
		tuple: CheckpointTuple,
	): Promise<{ copy: string; of: string } | undefined> {
		return takenUpElsewhere(
			this.#cp,
			{ threadId: this.#threadId, ns: this.#ns },
			tuple,
		);
	}

	#list(): Promise<string[]> {
		return headIds(this.#cp, this.#threadId, this.#ns);
	}

	#read(heads: readonly string[], except?: string): AsyncGenerator<HeadRead> {
		return readHeads(
			this.#cp,
			{ threadId: this.#threadId, ns: this.#ns },
			heads,
			except,
		);
	}
}

/** A head read by `readHeads`: its tuple, or the error that its stored data cannot be read. */
export type HeadRead = { checkpointId: string; branch: number } & (
	| { tuple: CheckpointTuple | undefined; error?: undefined }
	| { tuple?: undefined; error: WeftError }
);

/**
 * Each of `heads`' tuples in turn (but `except`'s) with its branch number (1: the newest head), or the
 * error of a head whose stored data cannot be read (`isUnreadableData`; any other error is thrown).
 */
export async function* readHeads(
	cp: Checkpointer,
	ref: { threadId: string; ns: string },
	heads: readonly string[],
	except?: string,
): AsyncGenerator<HeadRead> {
	for (const [n, checkpointId] of heads.entries()) {
		if (checkpointId === except) continue;
		let read: { tuple: CheckpointTuple | undefined } | { error: WeftError };
		try {
			const tuple = await cp.getTuple({ ...ref, checkpointId });
			// a pending write that is not a whole record makes the head as unreadable as damaged bytes
			if (tuple !== undefined)
				checkRecords(tuple.pendingWrites, tuple.checkpoint);
			read = { tuple };
		} catch (error) {
			if (!isUnreadableData(error)) throw error;
			read = { error };
		}
		yield { checkpointId, branch: n + 1, ...read };
	}
}

/**
 * The ids of a thread's heads in a namespace, newest first. `heads()` gives each head's summary, which
 * reads its metadata: a head whose metadata is damaged fails the whole listing, and with it every read
 * of the thread's other branches (their state, an answer to them: the way on past a damaged checkpoint).
 * Then the root namespace's head ids are read from the thread's record (`getThread`, which reads no
 * metadata; the damaged head among them, for its reader to pass over); a subgraph's namespace has no such
 * record, and the error stands.
 */
export async function headIds(
	cp: Checkpointer,
	threadId: string,
	ns = "",
): Promise<string[]> {
	try {
		return (await cp.heads({ threadId, ns })).map((h) => h.checkpointId);
	} catch (error) {
		if (ns !== "" || !isUnreadableData(error)) throw error;
		const thread = await cp.getThread(threadId);
		if (thread === undefined) throw error;
		return thread.heads;
	}
}

/**
 * The branch copy of `checkpointId` (source "fork", `metadata.forkOf`) on which the questions pending there
 * were taken up: a copy whose step went on (it is no head), or that holds an answer (its run stopped before
 * its step's commit). Undefined when there is none: a resume at the checkpoint then answers on a new copy.
 * Read only for a resume at a checkpoint with children; a listing that meets damaged data answers
 * undefined (the resume goes on as before rather than fail on another branch's row).
 */
export async function answeredCopy(
	cp: Checkpointer,
	ref: { threadId: string; ns: string },
	checkpointId: string,
	/** A copy not to count (a copy asking whether one of its siblings took the question up). */
	except?: string,
): Promise<string | undefined> {
	let heads: Set<string> | undefined;
	try {
		for await (const copy of cp.list(ref, {
			filter: { forkOf: checkpointId },
		})) {
			if (copy.checkpointId === except) continue;
			heads ??= new Set(await headIds(cp, ref.threadId, ref.ns));
			if (!heads.has(copy.checkpointId)) return copy.checkpointId;
			const tuple = await cp.getTuple({
				...ref,
				checkpointId: copy.checkpointId,
			});
			if (
				tuple?.pendingWrites.some(
					(w) => w.kind === "resume" && w.value !== null,
				)
			)
				return copy.checkpointId;
		}
	} catch (error) {
		if (!isUnreadableData(error)) throw error;
	}
	return undefined;
}

/**
 * Whether `takenUpElsewhere` may find anything for the checkpoint: it has successors (so copies), or is a
 * copy itself. Checked first where the answer is nearly always no, to spare the lookup's promise.
 */
export function mayBeTakenUpElsewhere(tuple: CheckpointTuple): boolean {
	return tuple.hasChildren || tuple.checkpoint.metadata.forkOf !== undefined;
}

/**
 * Where the questions pending at a checkpoint were taken up already, so that they are answered once across
 * the copies of one checkpoint (decision 0172): by a copy of it (`answeredCopy`; only a checkpoint with
 * children has one), or, for a copy (`metadata.forkOf`), by another copy of the checkpoint it copies (a
 * copy a `continue` or a refused answer left paused, beside the one a later answer went on from).
 */
export async function takenUpElsewhere(
	cp: Checkpointer,
	ref: { threadId: string; ns: string },
	tuple: CheckpointTuple,
): Promise<{ copy: string; of: string } | undefined> {
	const c = tuple.checkpoint;
	if (tuple.hasChildren) {
		const copy = await answeredCopy(cp, ref, c.checkpointId);
		if (copy !== undefined) return { copy, of: c.checkpointId };
	}
	const of = c.metadata.forkOf;
	if (typeof of !== "string" || !carriesQuestions(tuple, ref.ns))
		return undefined;
	const copy = await answeredCopy(cp, ref, of, c.checkpointId);
	return copy === undefined ? undefined : { copy, of };
}

/**
 * Whether a copy holds questions it carried from the checkpoint it copies (a `continue` of it, a refused
 * answer): their ids were made there. A replay asks afresh, under ids of the copy's own, a new question.
 */
function carriesQuestions(tuple: CheckpointTuple, ns: string): boolean {
	const at = tuple.checkpoint.checkpointId;
	return tuple.pendingWrites.some(
		(w) =>
			w.kind === "interrupt" &&
			w.when === undefined &&
			w.subgraph === undefined &&
			w.id !== interruptId(at, ns, w.taskId, w.index),
	);
}

/**
 * The root head `recover()` goes on from (decision 0209), or undefined for the newest: a dead runner's
 * branch. The newest head is it unless it shows no step under way (no record of a task's work or an
 * answer, or a question nobody answered, or a failure); then an older head holding an answer whose step
 * never committed is (a runner that answered that branch by its checkpointId died), the newest such one.
 * Heads that cannot be read are passed over.
 */
export async function recoveryHead(
	cp: Checkpointer,
	threadId: string,
): Promise<string | undefined> {
	const heads = await headIds(cp, threadId);
	if (heads.length < 2) return undefined;
	for await (const h of readHeads(cp, { threadId, ns: "" }, heads)) {
		if (h.tuple === undefined) continue;
		const writes = h.tuple.pendingWrites;
		const settled =
			writes.some((w) => w.kind === "error") ||
			unanswered(
				h.tuple.checkpoint.data.tasks,
				groupPending(writes, h.tuple.checkpoint),
			).length > 0;
		if (h.branch === 1) {
			const underWay = writes.some(
				(w) => w.kind !== "interrupt" && w.kind !== "usage",
			);
			if (underWay && !settled) return undefined;
		} else if (
			!settled &&
			writes.some((w) => w.kind === "resume" && w.value !== null)
		)
			return h.checkpointId;
	}
	return undefined;
}
