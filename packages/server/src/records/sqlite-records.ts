import { WeftError } from "@weft/checkpoint";
import Database from "better-sqlite3";
import { RUN_STORED_MOVES } from "../run-lifecycle.ts";
import type { RunRecord, ThreadRecord } from "../thread-registry.ts";
import {
	DEFAULT_LOCK_WAIT_MS,
	type LockWaitOptions,
	seconds,
	waitForLock,
} from "./lock-wait.ts";
import {
	decodeRecord,
	decodeRecords,
	encodeRecord,
	type ServerRecords,
} from "./server-records.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS weft_server_threads (
	thread_id TEXT PRIMARY KEY,
	body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS weft_server_runs (
	run_id TEXT PRIMARY KEY,
	thread_id TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS weft_server_runs_thread ON weft_server_runs (thread_id);
`;

const MOVES = `(${RUN_STORED_MOVES.map((m) => `'${m}'`).join(", ")})`;
const statusOf = (row: string) => `json_extract(${row}.body, '$.status')`;
/** "a run in `from` may be set to `to`": `RUN_STORED_MOVES` (the lifecycle's moves and chains of them), or no move. */
const moveAllowed = (from: string, to: string) =>
	`(${statusOf(from)} IS ${statusOf(to)} OR ${statusOf(from)} || ':' || ${statusOf(to)} IN ${MOVES})`;
/** No writer, ours or not, moves a run's status other than by the lifecycle (recreated: the moves may change). */
const LIFECYCLE_TRIGGER = `
DROP TRIGGER IF EXISTS weft_server_runs_lifecycle;
CREATE TRIGGER weft_server_runs_lifecycle BEFORE UPDATE ON weft_server_runs
WHEN NOT ${moveAllowed("old", "new")}
BEGIN SELECT RAISE(ABORT, 'a run cannot make this status move'); END;
`;

const SQL = {
	threads: "SELECT thread_id AS id, body FROM weft_server_threads",
	runs: "SELECT run_id AS id, body FROM weft_server_runs",
	getRun: "SELECT body FROM weft_server_runs WHERE run_id = ?",
	getThread: "SELECT body FROM weft_server_threads WHERE thread_id = ?",
	putThread:
		"INSERT INTO weft_server_threads (thread_id, body) VALUES (?, ?) ON CONFLICT (thread_id) DO UPDATE SET body = excluded.body",
	claimThread:
		"INSERT INTO weft_server_threads (thread_id, body) VALUES (?, ?) ON CONFLICT (thread_id) DO NOTHING",
	deleteThread: "DELETE FROM weft_server_threads WHERE thread_id = ?",
	putRun: `INSERT INTO weft_server_runs (run_id, thread_id, body) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET body = excluded.body WHERE ${moveAllowed("weft_server_runs", "excluded")}`,
	deleteRun: "DELETE FROM weft_server_runs WHERE run_id = ?",
} as const;

/** Options of the SQLite records (`lockWaitMs` 30 s by default: opening waits that long for another process). */
export interface SqliteRecordsOptions extends LockWaitOptions {
	/**
	 * How durable each commit is; set it as the checkpointer's of the same file. "normal" (default): with
	 * WAL, durable across process crashes, a power loss may drop the newest commits. "full": durable across
	 * power loss too (an fsync per record write).
	 */
	synchronous?: "normal" | "full" | undefined;
}

type Row = { id: string; body: string };
type Statements = { [K in keyof typeof SQL]: Database.Statement };

/**
 * Thread and run records in two tables of a SQLite file (the checkpointer's file, its own tables), on
 * statements prepared once. Each write is committed when it is made (synchronously): a run's statuses
 * reach the file in the order the lifecycle moved it, which the table's guard checks. The commits are as
 * durable as the checkpoints beside them (`synchronous`, as `SqliteCheckpointer`'s: "normal" by default,
 * decision 0067): both share the file's WAL, so a power loss drops the same newest commits of both, in
 * order, and a process crash drops none.
 */
export class SqliteRecords implements ServerRecords {
	readonly #db: Database.Database;
	readonly #stmt: Statements;
	readonly #lock: Database.Database | undefined;

	/** Opens the records once the file is this process's to serve (`serveAlone`, decision 0111). */
	static async open(
		path: string,
		options: SqliteRecordsOptions = {},
	): Promise<SqliteRecords> {
		return new SqliteRecords(path, options, await serveAlone(path, options));
	}

	/**
	 * Opens the records; without `lock` (the file's server lock, taken by `open`), takes it now, waiting at
	 * most a second for it.
	 */
	constructor(
		path: string,
		options: SqliteRecordsOptions = {},
		lock: Database.Database | undefined = serveAloneNow(path),
	) {
		this.#lock = lock;
		this.#db = new Database(path);
		this.#db.pragma("busy_timeout = 5000");
		this.#db.pragma("journal_mode = WAL");
		this.#db.pragma(
			`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`,
		);
		this.#db.exec(SCHEMA);
		this.#db.exec(LIFECYCLE_TRIGGER);
		this.#stmt = Object.fromEntries(
			Object.entries(SQL).map(([k, sql]) => [k, this.#db.prepare(sql)]),
		) as Statements;
	}

	loadThreads = async (unreadable?: (error: WeftError, id: string) => void) =>
		decodeRecords<ThreadRecord>(
			this.#stmt.threads.all() as Row[],
			"thread",
			unreadable,
		);
	loadRuns = async (unreadable?: (error: WeftError, id: string) => void) =>
		decodeRecords<RunRecord>(this.#stmt.runs.all() as Row[], "run", unreadable);
	getRun = async (runId: string) => {
		const row = this.#stmt.getRun.get(runId) as { body: string } | undefined;
		return row === undefined
			? undefined
			: decodeRecord<RunRecord>(row.body, "run", runId);
	};
	getThread = async (threadId: string) => {
		const row = this.#stmt.getThread.get(threadId) as
			| { body: string }
			| undefined;
		return row === undefined
			? undefined
			: decodeRecord<ThreadRecord>(row.body, "thread", threadId);
	};
	putThread = async (t: ThreadRecord) => {
		this.#stmt.putThread.run(t.threadId, encodeRecord(t));
	};
	claimThread = async (t: ThreadRecord) =>
		this.#stmt.claimThread.run(t.threadId, encodeRecord(t)).changes === 1;
	deleteThread = async (threadId: string) => {
		this.#stmt.deleteThread.run(threadId);
	};
	putRun = async (r: RunRecord) => {
		this.#stmt.putRun.run(r.runId, r.threadId, encodeRecord(r));
	};
	deleteRun = async (runId: string) => {
		this.#stmt.deleteRun.run(runId);
	};
	close = async () => {
		this.#db.close();
		this.#lock?.close();
	};
}

/**
 * Takes the file's server lock: an exclusive lock on `<path>-lock`, held until `close()` or the process's
 * end (the system drops it then, SIGKILL included). One API process per file: each keeps the records in
 * memory, and a second one would answer stale records and write its stale copies over the first's. While
 * another process holds it (a restart overlapping the old process's shutdown), it is tried again until
 * `lockWaitMs` has passed, saying once that it waits (decision 0111).
 */
async function serveAlone(
	path: string,
	options: SqliteRecordsOptions,
): Promise<Database.Database | undefined> {
	if (path === ":memory:" || path === "") return undefined;
	const { lock, waitMs } = await waitForLock(
		() => tryLock(path, 0),
		options,
		DEFAULT_LOCK_WAIT_MS,
		`the other server process of ${path}`,
	);
	if (lock === undefined) throw servedElsewhere(path, waitMs);
	return lock;
}

/** `serveAlone` at once, blocking at most a second (the constructor's, for callers in sync code). */
function serveAloneNow(path: string): Database.Database | undefined {
	if (path === ":memory:" || path === "") return undefined;
	const lock = tryLock(path, 1000);
	if (lock === undefined) throw servedElsewhere(path, 1000);
	return lock;
}

const servedElsewhere = (path: string, waitMs: number) =>
	new WeftError(
		"STORE_UNAVAILABLE",
		`another server process (weft dev, serve()) serves ${path}${waitMs > 0 ? ` (waited ${seconds(waitMs)})` : ""}: its thread and run records are that process's`,
		{
			hint: "stop it first, or use it; to wait longer for one that is shutting down: --lock-wait <duration> or WEFT_LOCK_WAIT (weft dev), lockWaitMs (openSqliteRecords); several API processes share one database with weft serve --postgres",
		},
	);

/** The file's server lock if no other process holds it within `timeoutMs`. */
function tryLock(
	path: string,
	timeoutMs: number,
): Database.Database | undefined {
	const lock = new Database(`${path}-lock`, { timeout: timeoutMs });
	try {
		lock.pragma("locking_mode = EXCLUSIVE");
		lock.exec("BEGIN EXCLUSIVE");
		return lock;
	} catch (error) {
		lock.close();
		if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
		return undefined;
	}
}
