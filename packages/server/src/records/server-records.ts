import { WeftError } from "@weft/checkpoint";
import { runMoveAllowed } from "../run-lifecycle.ts";
import type { RunRecord, ThreadRecord } from "../thread-registry.ts";

/**
 * Where the server keeps thread records (owner, metadata) and run records, beside the checkpointer's
 * tables and never in them. One implementation per database the server runs on.
 */
export interface ServerRecords {
	/** Every thread record; one that cannot be read is skipped and given to `unreadable` with its id. */
	loadThreads(
		unreadable?: (error: WeftError, id: string) => void,
	): Promise<ThreadRecord[]>;
	/** Every run record; one that cannot be read is skipped and given to `unreadable` with its id. */
	loadRuns(
		unreadable?: (error: WeftError, id: string) => void,
	): Promise<RunRecord[]>;
	/** Reads of one record throw CORRUPT_CHECKPOINT when it cannot be read. */
	getRun(runId: string): Promise<RunRecord | undefined>;
	getThread(threadId: string): Promise<ThreadRecord | undefined>;
	putThread(thread: ThreadRecord): Promise<void>;
	/**
	 * Stores a new thread record only if no record has its id (false: taken, maybe just now by another
	 * API process). A client-chosen id is claimed this way, so two processes never both create it.
	 */
	claimThread(thread: ThreadRecord): Promise<boolean>;
	deleteThread(threadId: string): Promise<void>;
	/**
	 * Writes a run record. A status change that is not a move of the lifecycle (`RUN_TRANSITIONS`) is not
	 * written: the stored record stays as it was (another process moved the run on meanwhile).
	 */
	putRun(run: RunRecord): Promise<void>;
	deleteRun(runId: string): Promise<void>;
	/**
	 * Takes the database for this process where other processes could reach it: `alone` for an API that
	 * executes runs itself, else shared (queued APIs and workers). STORE_UNAVAILABLE when it is held the
	 * other way. Resolves to the function that lets it go. `lost` is called when the hold was lost (its
	 * connection dropped) and another process took it the other way meanwhile: this process must stop
	 * serving (decision 0110). (SQLite records are held alone from their opening to their closing.)
	 */
	serving?(
		alone: boolean,
		lost?: (error: WeftError) => void,
	): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** Records of one process only: what `createApp` uses when given none. */
export class MemoryRecords implements ServerRecords {
	readonly #threads = new Map<string, ThreadRecord>();
	readonly #runs = new Map<string, RunRecord>();
	loadThreads = async () => [...this.#threads.values()].map(clone);
	loadRuns = async () => [...this.#runs.values()].map(clone);
	getRun = async (id: string) => {
		const run = this.#runs.get(id);
		return run === undefined ? undefined : clone(run);
	};
	getThread = async (id: string) => {
		const thread = this.#threads.get(id);
		return thread === undefined ? undefined : clone(thread);
	};
	putThread = async (t: ThreadRecord) => {
		this.#threads.set(t.threadId, clone(t));
	};
	claimThread = async (t: ThreadRecord) => {
		if (this.#threads.has(t.threadId)) return false;
		this.#threads.set(t.threadId, clone(t));
		return true;
	};
	deleteThread = async (id: string) => {
		this.#threads.delete(id);
	};
	putRun = async (r: RunRecord) => {
		const stored = this.#runs.get(r.runId);
		if (stored !== undefined && !runMoveAllowed(stored.status, r.status))
			return;
		this.#runs.set(r.runId, clone(r));
	};
	deleteRun = async (id: string) => {
		this.#runs.delete(id);
	};
	close = async () => {};
}

const clone = <T>(v: T): T => structuredClone(v);

/** A record as stored: JSON without `undefined` fields. */
export const encodeRecord = (record: object): string => JSON.stringify(record);

/** The kinds of record the server keeps, and the fields that name one. */
const ID_FIELDS = {
	thread: ["threadId"],
	run: ["runId", "threadId", "status"],
} as const;

/**
 * A stored record back (`owner` and `graphId` come back `undefined` when absent). One that is not JSON,
 * or not a record of its kind, throws CORRUPT_CHECKPOINT naming it (`id`: its row's key).
 */
export function decodeRecord<T>(
	text: string | object,
	kind: keyof typeof ID_FIELDS,
	id: string,
): T {
	let value: unknown;
	try {
		value = typeof text === "string" ? JSON.parse(text) : text;
	} catch (error) {
		throw unreadableRecord(kind, id, (error as Error).message);
	}
	const missing =
		typeof value !== "object" || value === null || Array.isArray(value)
			? "not an object"
			: ID_FIELDS[kind].find(
					(f) => typeof (value as Record<string, unknown>)[f] !== "string",
				);
	if (missing !== undefined)
		throw unreadableRecord(
			kind,
			id,
			missing === "not an object" ? missing : `no ${missing}`,
		);
	return { owner: undefined, ...(value as object) } as T;
}

/**
 * Stored rows back, in order; a row that cannot be read is skipped and given to `unreadable`: one damaged
 * record does not keep the others (or the server) from being read.
 */
export function decodeRecords<T>(
	rows: readonly { id: string; body: string | object }[],
	kind: keyof typeof ID_FIELDS,
	unreadable: (error: WeftError, id: string) => void = () => {},
): T[] {
	const out: T[] = [];
	for (const row of rows) {
		try {
			out.push(decodeRecord<T>(row.body, kind, row.id));
		} catch (error) {
			unreadable(error as WeftError, row.id);
		}
	}
	return out;
}

const unreadableRecord = (kind: string, id: string, why: string) =>
	new WeftError(
		"CORRUPT_CHECKPOINT",
		`the server's ${kind} record "${id}" is unreadable (${why})`,
		{
			hint: `restore its row from a backup, or delete it (weft_server ${kind}s table): the ${kind === "run" ? "run's thread and its" : "thread's"} checkpoints are kept apart and are not affected`,
		},
	);
