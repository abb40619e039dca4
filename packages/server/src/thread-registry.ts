import { randomUUID } from "node:crypto";
import { WeftError } from "@weft/checkpoint";
import type { FailureLog } from "./failure-log.ts";
import type { RunError } from "./http-errors.ts";
import { WrittenMap } from "./records/record-cache.ts";
import type { ServerRecords } from "./records/server-records.ts";

/** What the server keeps of a thread besides its checkpoints. */
export interface ThreadRecord {
	threadId: string;
	owner: string | undefined;
	metadata: Record<string, unknown>;
	createdAt: string;
	updatedAt: string;
	/** The graph its runs use (set by the first run, or `metadata.graph_id`). */
	graphId: string | undefined;
	/** Minutes after its last update the thread is deleted (`threads.create({ ttl })`: `thread-expiry.ts`). */
	ttlMinutes?: number | undefined;
	/**
	 * A stateless run's thread (`on_completion: "delete"`): deleted when its run ends, and by the sweep when
	 * the process that would have deleted it stopped first (`thread-expiry.ts`). Never on the wire.
	 */
	dropWhenDone?: true | undefined;
	/** Runs rolled back (deleted) whose checkpoints the thread reads past: see `headOf`. */
	rolledBack?: string[] | undefined;
}

/** A server run: what was asked and where it is in its lifecycle. */
export interface RunRecord {
	runId: string;
	threadId: string;
	assistantId: string;
	graphId: string;
	owner: string | undefined;
	status: import("./run-lifecycle.ts").RunLifecycleStatus;
	metadata: Record<string, unknown>;
	multitaskStrategy: string;
	/** What the run was asked (LangGraph's `kwargs`: input, command, config, stream_mode, …). */
	kwargs?: Record<string, unknown> | undefined;
	/** Why the run failed (LangGraph's `__error__`), kept with the record: `join` answers it after a restart. */
	error?: RunError | undefined;
	createdAt: string;
	updatedAt: string;
}

/**
 * Thread and run records (the state itself lives in the checkpointer). Read and changed synchronously in
 * memory; with `records`, loaded from them by `load()` and every change written behind to them.
 */
export class ThreadRegistry {
	readonly threads = new WrittenMap<ThreadRecord>();
	readonly runs = new WrittenMap<RunRecord>((r) => r.threadId);
	readonly records: ServerRecords | undefined;
	/**
	 * Ids of the thread records skipped at `load` as unreadable: their threads are not listed as if they
	 * had no record (`threads.get` answers them CORRUPT_CHECKPOINT).
	 */
	readonly unreadableThreads = new Set<string>();

	constructor(records?: ServerRecords) {
		this.records = records;
	}

	/**
	 * Loads the stored records, then writes every later change to them. `saving`: each change written, or
	 * not (the error); `unreadable`: a stored record skipped because it cannot be read (CORRUPT_CHECKPOINT).
	 */
	async load(
		saving: FailureLog = { failed() {}, succeeded() {} },
		unreadable: (error: WeftError) => void = () => {},
	): Promise<void> {
		const records = this.records;
		if (records === undefined) return;
		const skipped = (error: WeftError, id: string) => {
			this.unreadableThreads.add(id);
			unreadable(error);
		};
		const failed = (error: unknown) => saving.failed(error);
		const succeeded = () => saving.succeeded();
		for (const t of await records.loadThreads(skipped))
			this.threads.load(t.threadId, t);
		for (const r of await records.loadRuns(unreadable))
			this.runs.load(r.runId, r);
		this.threads.writeTo(
			(id, t) =>
				t === undefined
					? records.deleteThread(id)
					: records.putThread({ ...t }),
			failed,
			succeeded,
		);
		this.runs.writeTo(
			(id, r) =>
				r === undefined ? records.deleteRun(id) : records.putRun({ ...r }),
			failed,
			succeeded,
		);
	}

	/** Waits until every change is written. */
	async flush(): Promise<void> {
		await Promise.all([this.threads.flush(), this.runs.flush()]);
	}

	/**
	 * Waits until every change is written, so that an answer about the thread holds for every process;
	 * STORE_UNAVAILABLE (after `undo`) when its record's newest change was given up.
	 */
	async written(threadId: string, undo: () => void = () => {}): Promise<void> {
		await this.flush();
		if (this.threads.failure(threadId) === undefined) return;
		undo();
		throw new WeftError(
			"STORE_UNAVAILABLE",
			`thread "${threadId}": the change could not be saved in the server's records`,
			{ hint: "the server's database is unreachable; retry when it is back" },
		);
	}

	/**
	 * Creates a thread under an id the client chose: claimed in the records first (undefined when taken,
	 * maybe just now by another API process: two processes never both create one id), then kept.
	 */
	async claimThread(init: {
		threadId: string;
		owner: string | undefined;
		metadata?: Record<string, unknown> | undefined;
		ttlMinutes?: number | undefined;
	}): Promise<ThreadRecord | undefined> {
		if (this.threads.get(init.threadId) !== undefined) return undefined;
		const record = newThreadRecord(init);
		if (this.records !== undefined && !(await this.records.claimThread(record)))
			return undefined;
		// another request of this process may have taken it meanwhile
		if (this.threads.get(init.threadId) !== undefined) return undefined;
		this.threads.set(record.threadId, record);
		return this.threads.get(record.threadId)!;
	}

	createThread(init: {
		threadId?: string | undefined;
		owner: string | undefined;
		metadata?: Record<string, unknown> | undefined;
		ttlMinutes?: number | undefined;
		dropWhenDone?: true | undefined;
	}): ThreadRecord {
		const record = newThreadRecord(init);
		this.threads.set(record.threadId, record);
		return this.threads.get(record.threadId)!;
	}

	/**
	 * Records a new run as `pending` and returns the kept record. `written`: the caller stores the new record
	 * itself (it is kept here without being written behind; later changes are). `startAt`: the time a run
	 * asked with `after_seconds` may start, its `created_at` as LangGraph's server reports it (decision 0216).
	 */
	addRun(
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		written = false,
		startAt?: Date,
	): RunRecord {
		const now = new Date().toISOString();
		const runId = randomUUID();
		const record: RunRecord = {
			...init,
			runId,
			status: "pending",
			createdAt: startAt?.toISOString() ?? now,
			updatedAt: now,
		};
		if (written) this.runs.load(runId, record);
		else this.runs.set(runId, record);
		return this.runs.get(runId)!;
	}

	/**
	 * A thread's record: this process's, else the stored one, then kept (another API process wrote it and
	 * its notification has not arrived yet, or this process deleted the id and another made it again).
	 */
	findThread(threadId: string): Promise<ThreadRecord | undefined> {
		const records = this.records;
		return records === undefined
			? Promise.resolve(this.threads.get(threadId))
			: this.threads.find(threadId, (id) => records.getThread(id));
	}

	/** A run's record: this process's, else the stored one, then kept (as `findThread`). */
	findRun(runId: string): Promise<RunRecord | undefined> {
		const records = this.records;
		return records === undefined
			? Promise.resolve(this.runs.get(runId))
			: this.runs.find(runId, (id) => records.getRun(id));
	}

	/** The thread's run that is pending or running, if any. */
	activeRun(threadId: string): RunRecord | undefined {
		return this.runsOf(threadId).find(
			(r) => r.status === "pending" || r.status === "running",
		);
	}

	/** The thread's runs, newest first. */
	runsOf(threadId: string): RunRecord[] {
		const runs: RunRecord[] = [];
		for (const id of this.runs.keysOf(threadId)) {
			const run = this.runs.get(id);
			if (run !== undefined) runs.push(run);
		}
		return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
	}
}

/**
 * The record of a thread made on the server's store without it (by the library or the CLI): no owner, no
 * metadata, created when the store's thread was and last updated then (`updated_at` follows its checkpoints).
 * Reading it by id keeps it (`ownedThread`); a search lists it without keeping it (`findThreads`).
 */
export const storeMadeRecord = (stored: {
	threadId: string;
	createdAt: string;
}): ThreadRecord => ({
	threadId: stored.threadId,
	owner: undefined,
	metadata: {},
	createdAt: stored.createdAt,
	updatedAt: stored.createdAt,
	graphId: undefined,
});

/** A new thread record (not stored yet). */
function newThreadRecord(init: {
	threadId?: string | undefined;
	owner: string | undefined;
	metadata?: Record<string, unknown> | undefined;
	ttlMinutes?: number | undefined;
	dropWhenDone?: true | undefined;
}): ThreadRecord {
	const now = new Date().toISOString();
	const metadata = { ...init.metadata };
	if (metadata.graph_id === undefined || metadata.graph_id === null)
		delete metadata.graph_id;
	const record: ThreadRecord = {
		threadId: init.threadId ?? randomUUID(),
		owner: init.owner,
		metadata,
		createdAt: now,
		updatedAt: now,
		graphId:
			typeof metadata.graph_id === "string" ? metadata.graph_id : undefined,
	};
	if (init.ttlMinutes !== undefined) record.ttlMinutes = init.ttlMinutes;
	if (init.dropWhenDone === true) record.dropWhenDone = true;
	return record;
}
