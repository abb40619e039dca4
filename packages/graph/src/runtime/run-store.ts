import {
	type Checkpointer,
	type CheckpointRecord,
	type CheckpointTuple,
	isValidId,
	isWeftError,
	type PendingWrite,
	PUT_SYNC,
	type PutOptions,
	type StoredCheckpoint,
	type StoredThreadStatus,
	type SyncPut,
	threadLeaseOf,
} from "@weft/checkpoint";
import type { Channels } from "../state/channels.ts";
import {
	chainFingerprint,
	schemaChanged,
} from "../state/schema-fingerprint.ts";
import { AbortWatch } from "./execute-tasks.ts";
import type { GraphNames } from "./graph-names.ts";
import { handOver, plainUserMetadata } from "./hand-over.ts";
import { newestKeeper } from "./keep-shape.ts";
import { inStateTerms } from "./run-errors.ts";
import { type LeaseOptions, RunLease } from "./run-lease.ts";
import {
	type ChainInfo,
	chainInfo,
	needsSnapshot,
	replayChain,
	type SnapshotPolicy,
} from "./state-loader.ts";
import { type CheckpointParts, checkpointRecord } from "./step-records.ts";
import { ThreadHeads } from "./thread-heads.ts";
import {
	type RunUsage,
	spentRecords,
	unaccountedAnswers,
	usageOfRecords,
	withParentUsage,
} from "./usage.ts";

/**
 * A checkpoint to write: its parts, less what the store knows (thread, namespace, parent, snapshot), and
 * the run's own metadata (`RunConfig.metadata`, part of `metadata`).
 */
export type NextCheckpoint = Omit<
	CheckpointParts,
	| "threadId"
	| "ns"
	| "parentId"
	| "snapshot"
	| "parentTask"
	| "ownMetadata"
	| "forkOf"
> & { userMetadata?: Readonly<Record<string, unknown>> | undefined };

const keepRunStore = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * What a run keeps in its checkpointer: the checkpoint it stands on, and the rules for writing the next
 * one (the optimistic `exclusive` check, snapshot spacing, spending the parent's pending writes).
 */
export class RunStore {
	readonly #cp: Checkpointer;
	readonly #threadId: string;
	readonly #ns: string;
	/** Set for a subgraph run: its checkpoints carry it, and the thread's status is its parent's. */
	readonly #parentTask: string | undefined;
	#checkpointId: string | undefined;
	#chain: ChainInfo = { steps: 0, bytes: 0, snapshotBytes: 0 };
	/** The next checkpoint must be the only successor of the current one (no other run extended it). */
	#exclusive = true;
	/** Pending writes of this branch's unfinished step are stored at the current checkpoint. */
	#parentWrites = false;
	#started = false;
	/** The thread's settled status before a resume began writing (`startAnswering`). */
	#before: StoredThreadStatus | undefined;
	/** The checkpoint the next one copies (`forkFrom`): its metadata's `forkOf`. */
	#forkOf: string | undefined;
	/** The thread had no checkpoint when the run loaded its newest (its row may be only the lease's). */
	#empty = false;
	/** Records the next checkpoint carries, stored with it in its put's transaction (`carry`). */
	#carried: readonly PendingWrite[] = NO_RECORDS;
	/** The usage recorded at the loaded checkpoint, a head, by runs that left its step unfinished (see `load`). */
	#parentUsage: RunUsage | undefined;
	/** What models' answers saved at the loaded head cost that no run accounted for (see `load`, `owed`). */
	#owed: RunUsage | undefined;
	/** The run's lease token: every write carries it, and the store refuses it once taken over. */
	#fence: number | undefined;
	/**
	 * The thread's lease, when this run holds it (a root run; subgraph runs write under their parent's).
	 * Kept after `end`: a task still running then (a stopped step's) confirms its effects by it.
	 */
	#lease: RunLease | undefined;
	/** `end` was called: the lease is given up (or left to its new holder). */
	#ended = false;
	/** The state schema's fingerprint, recorded with each checkpoint (decision 0018). */
	#schema: string | undefined;
	/** The run's ids and the graph's names need no check per write (see `handOver`). */
	readonly #plainNames: boolean;
	readonly #names: GraphNames | undefined;
	/** The last run metadata found plain (one object per run: checked once). */
	#plainUser: object | undefined;
	/**
	 * The newest fingerprint recorded on the chain the store stands on (undefined: unknown). A checkpoint
	 * records the fingerprint only where a chain starts (a snapshot) or where it changes: readers take the
	 * newest on the chain (≈ 40 bytes a checkpoint less).
	 */
	#chainSchema: string | undefined;
	#heads: ThreadHeads | undefined;

	constructor(
		cp: Checkpointer,
		threadId: string,
		ns: string,
		parentTask: string | undefined,
		fence: number | undefined,
		names?: GraphNames,
	) {
		keepRunStore(this);
		this.#cp = cp;
		this.#threadId = threadId;
		this.#ns = ns;
		this.#parentTask = parentTask;
		this.#fence = fence;
		this.#names = names;
		// a subgraph's records name its parent's task: left to the store's checks
		this.#plainNames =
			names?.plain === true &&
			parentTask === undefined &&
			isValidId(threadId, "thread id") &&
			isValidId(ns, "namespace");
	}

	/** Whether the next record may be handed over to the store (see `handOver`). */
	#plain(next: NextCheckpoint): boolean {
		if (!this.#plainNames) return false;
		const user = next.userMetadata;
		if (user === undefined || user === this.#plainUser) return true;
		if (!plainUserMetadata(user)) return false;
		this.#plainUser = user;
		return true;
	}

	/** Records the state schema's fingerprint with the checkpoints this store writes. */
	useSchema(channels: Channels): void {
		this.#schema = channels.fingerprint;
	}

	/**
	 * Takes the thread's lease before anything runs (a second runner gets `THREAD_BUSY` here and changes
	 * nothing); from then on every write is fenced by its token. Returns the watch of what aborts the run:
	 * the lease found taken over (the lease tells the watch directly, and makes an AbortSignal only when a
	 * task asks for one: perf, issue 17), or the `caller`'s signal too (AbortSignal.any costs ≈ 50 µs in
	 * Node 20: only then).
	 */
	async takeLease(
		options: LeaseOptions,
		caller: AbortSignal | undefined,
	): Promise<AbortWatch> {
		const lease = await RunLease.acquire(
			this.#cp,
			this.#threadId,
			options,
			caller,
		);
		this.#lease = lease;
		this.#fence = lease.token;
		return caller === undefined
			? new AbortWatch(lease.lost, (f) => lease.onLost(f))
			: new AbortWatch(AbortSignal.any([caller, lease.lost.signal]));
	}

	/**
	 * See `RunLease.confirm` (undefined without a lease: nothing to confirm). Also after the run's end: a
	 * task of a stopped step that reaches an effect then (its start record's answer read after the stop)
	 * runs it only while the lease is still this run's, as before the end.
	 */
	confirmLease(): Promise<void> | undefined {
		return this.#lease?.confirm();
	}

	/** The token the run's writes carry (a subgraph run writes under it too). */
	get fence(): number | undefined {
		return this.#fence;
	}

	/** The checkpoint the run stands on (undefined before the first one). */
	get checkpointId(): string | undefined {
		return this.#checkpointId;
	}

	/**
	 * Loads a checkpoint (or the newest) with its state. With `checkSchema`, a checkpoint written under
	 * another state schema is `GRAPH_CHANGED` before its state is read.
	 */
	async load(
		checkpointId: string | undefined,
		channels: Channels,
		checkSchema = false,
	): Promise<
		{ tuple: CheckpointTuple; values: Record<string, unknown> } | undefined
	> {
		this.#schema = channels.fingerprint;
		const tuple = await this.#cp.getTuple({
			threadId: this.#threadId,
			ns: this.#ns,
			checkpointId,
		});
		if (tuple === undefined) {
			if (checkpointId === undefined) this.#empty = true;
			return undefined;
		}
		const c = tuple.checkpoint;
		const chain = await this.#chainTo(c);
		const stored = chainFingerprint(chain);
		if (checkSchema && stored !== undefined && stored !== this.#schema)
			throw schemaChanged({
				threadId: this.#threadId,
				checkpointId: c.checkpointId,
				stored,
				current: this.#schema,
			});
		this.#chainSchema = stored;
		this.#chain = chainInfo(chain);
		this.#checkpointId = c.checkpointId;
		this.#exclusive = !tuple.hasChildren;
		// a head's unfinished steps are counted in the thread's usage while it is one; the first checkpoint
		// after it (which makes it no head) counts them from then on (decision 0206). A subgraph's are its
		// parent's: its checkpoints keep what their own step spent (0211)
		const head = !tuple.hasChildren && this.#parentTask === undefined;
		this.#parentUsage = head ? usageOfRecords(tuple.pendingWrites) : undefined;
		// and what answers saved there by a run that died cost: this run's step accounts for them (0217)
		this.#owed = head
			? unaccountedAnswers(tuple.pendingWrites, c.data.tasks)
			: undefined;
		return { tuple, values: replayChain(channels, chain) };
	}

	/**
	 * The chain up to `c` (see `getChain`), reusing `c` as loaded: its data is not read and decoded a second
	 * time (perf, issue 17). A parent the store does not have is left to `getChain` of `c` to report.
	 */
	async #chainTo(c: StoredCheckpoint): Promise<StoredCheckpoint[]> {
		if (c.data.snapshot !== undefined || c.parentId === null) return [c];
		const threadId = this.#threadId;
		const ns = this.#ns;
		try {
			const chain = await this.#cp.getChain({
				threadId,
				ns,
				checkpointId: c.parentId,
			});
			chain.push(c);
			return chain;
		} catch (error) {
			if (!isWeftError(error, "CHECKPOINT_NOT_FOUND")) throw error;
			return this.#cp.getChain({ threadId, ns, checkpointId: c.checkpointId });
		}
	}

	/** The thread's heads in this run's namespace: where a resume's answer goes (made on first use). */
	get heads(): ThreadHeads {
		this.#heads ??= new ThreadHeads(this.#cp, this.#threadId, this.#ns);
		return this.#heads;
	}

	/**
	 * What the run spent on the step it stands on (`spent`, its usage meter's), with the cost of the answers
	 * saved there that no run accounted for (decision 0217): what its commit or its `usage` record keeps.
	 */
	stepUsage(spent: RunUsage | undefined): RunUsage | undefined {
		return withParentUsage(spent, this.#owed);
	}

	/** The run goes on with the loaded checkpoint's pending writes: the next commit spends them. */
	reusePendingWrites(tuple: CheckpointTuple): void {
		this.#parentWrites = tuple.pendingWrites.length > 0;
	}

	/**
	 * The next checkpoint is a sibling of `c` (a branch's copy of it): the run stands on `c`'s parent, and
	 * the write is not exclusive.
	 */
	forkFrom(c: StoredCheckpoint): void {
		this.#checkpointId = c.parentId ?? undefined;
		// a sibling of `c`: `c` stays a head, if it was one
		this.#parentUsage = undefined;
		this.#owed = undefined;
		this.#forkOf = c.checkpointId;
		this.#chainSchema = undefined;
		this.#exclusive = false;
		this.#parentWrites = false;
	}

	/**
	 * The next checkpoint starts with these records (a branch's or an update's copy of the step's records):
	 * the store writes them in the checkpoint's own transaction, so it never exists without them.
	 */
	carry(writes: readonly PendingWrite[]): void {
		// a copy leaves the usage where it was spent, counted once (decision 0206)
		this.#carried = spentRecords(writes);
	}

	/** The next checkpoint may have siblings (an `updateState`, a fork). */
	branch(): void {
		this.#exclusive = false;
	}

	/** Saves records at the current checkpoint, for its unfinished step (the store's promise: no async frame). */
	persist(writes: PendingWrite[]): Promise<void> {
		const checkpointId = this.#checkpointId;
		if (checkpointId === undefined || writes.length === 0) return DONE;
		this.#parentWrites = true;
		try {
			return this.#cp.putWrites(
				{ threadId: this.#threadId, ns: this.#ns, checkpointId },
				writes,
				{ fence: this.#fence },
			);
		} catch (error) {
			return Promise.reject(error); // a store that throws at once still rejects, as before
		}
	}

	/**
	 * Writes the next checkpoint (with a snapshot of `values` when the chain calls for one). Returns its
	 * id once stored: at once when the store commits synchronously (`PUT_SYNC`), else a promise.
	 */
	commit(
		next: NextCheckpoint,
		values: Record<string, unknown>,
		snapshots: SnapshotPolicy,
	): string | Promise<string> {
		const parentId = this.#checkpointId ?? null;
		const snapshot = parentId === null || needsSnapshot(this.#chain, snapshots);
		const dropParentWrites = next.source === "loop" && this.#parentWrites;
		// the parent, a head until now: what runs spent on its unfinished step is counted here from now on
		const usage = withParentUsage(
			this.stepUsage(next.usage),
			this.#parentUsage,
		);
		this.#parentUsage = undefined;
		this.#owed = undefined;
		const record = checkpointRecord({
			threadId: this.#threadId,
			ns: this.#ns,
			parentId,
			step: next.step,
			source: next.source,
			writes: next.writes,
			nodes: next.nodes,
			tasks: next.tasks,
			joins: next.joins,
			snapshot: snapshot ? values : undefined,
			metadata: next.metadata,
			// the telemetry's copy of the run's metadata, with the step's timing: made for this checkpoint
			ownMetadata: next.metadata !== next.userMetadata,
			parentTask: this.#parentTask,
			forkOf: this.#forkOf,
			usage,
			names: this.#names,
			schema:
				snapshot || this.#schema !== this.#chainSchema
					? this.#schema
					: undefined,
		});
		this.#forkOf = undefined;
		// committing a step spends what its tasks recorded at the parent: it is in `writes` now
		const carried = this.#carried;
		this.#carried = NO_RECORDS;
		const options: PutOptions = {
			exclusive: this.#exclusive && this.#parentTask === undefined,
			dropParentWrites,
			fence: this.#fence,
		};
		if (carried.length > 0) options.pendingWrites = carried;
		const cp = this.#cp as Checkpointer & Partial<SyncPut>;
		let now: { size: number } | undefined;
		try {
			now = cp[PUT_SYNC]?.(record, options, handOver(next, this.#plain(next)));
		} catch (error) {
			throw inStateTerms(error, record);
		}
		const carries = carried.length > 0;
		if (now !== undefined)
			return this.#committed(record, snapshot, now.size, carries);
		return cp.put(record, options).then(
			({ size }) => this.#committed(record, snapshot, size, carries),
			(error: unknown) => Promise.reject(inStateTerms(error, record)),
		);
	}

	#committed(
		record: CheckpointRecord,
		snapshot: boolean,
		size: number,
		carries: boolean,
	): string {
		this.#exclusive = true;
		this.#parentWrites = carries;
		this.#checkpointId = record.checkpointId;
		this.#chainSchema = this.#schema;
		const c = this.#chain; // the run's own: updated in place
		c.steps = snapshot ? 0 : c.steps + 1;
		c.bytes = snapshot ? 0 : c.bytes + size;
		if (snapshot) c.snapshotBytes = size;
		return record.checkpointId;
	}

	/** Whether the run has begun writing: its thread is recorded as running, and a failure marks it failed. */
	get started(): boolean {
		return this.#started;
	}

	/**
	 * The thread has no checkpoint: a run that fails before its first write leaves it `failed`, not as the
	 * `running` its lease recorded (which reads `stale` for good once the lease is released).
	 */
	get empty(): boolean {
		return this.#empty;
	}

	/**
	 * `start()` for a resume: first reads the thread's status, to which a refused answer returns it
	 * (`refusedStatus`): an answer refused on an older branch leaves a thread `done` on its newest one done.
	 */
	async startAnswering(): Promise<void> {
		if (!this.#started && this.#parentTask === undefined) {
			const status = (await threadLeaseOf(this.#cp, this.#threadId))?.status;
			if (status === "done" || status === "failed") this.#before = status;
		}
		await this.start();
	}

	/** The status a run whose answer was refused leaves: the thread's before it (`interrupted` if unread). */
	get refusedStatus(): StoredThreadStatus {
		return this.#before ?? "interrupted";
	}

	/** Records the thread as running, once, before the run's first write (undefined: nothing to wait for). */
	start(): Promise<void> | undefined {
		if (this.#started) return undefined;
		this.#started = true;
		return this.setStatus("running");
	}

	/** Records what the thread is doing (a subgraph run leaves that to its parent). */
	setStatus(status: StoredThreadStatus): Promise<void> {
		if (this.#parentTask !== undefined) return DONE;
		try {
			return this.#cp.setThreadStatus(this.#threadId, status, {
				fence: this.#fence,
			});
		} catch (error) {
			return Promise.reject(error);
		}
	}

	/**
	 * Records how the run ended. With a lease, by giving it up with the status in one transaction, after
	 * `settled` (the tasks of a cancelled step: a zombie node can still save what it did, and nobody else
	 * runs the thread meanwhile). `undefined` leaves the status as it is (a run that never started, or
	 * whose lease was taken over).
	 */
	end(
		status: StoredThreadStatus | undefined,
		settled?: Promise<unknown>,
	): Promise<unknown> {
		const lease = this.#ended ? undefined : this.#lease;
		this.#ended = true;
		if (lease === undefined)
			return status === undefined ? DONE : this.setStatus(status);
		if (settled === undefined) return lease.release(status);
		void settled.then(() => lease.release(status)).catch(() => {});
		return DONE;
	}
}

/** No records to carry (one array, shared, never changed). */
const NO_RECORDS: readonly PendingWrite[] = Object.freeze([]);

/** What a write with nothing to do returns (one promise, shared). */
const DONE: Promise<void> = Promise.resolve();
