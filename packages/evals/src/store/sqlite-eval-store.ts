import {
	ConfigError,
	isWeftError,
	keysOf,
	refuseUnknownKeys,
	WeftError,
} from "@weft/checkpoint";
import Database from "better-sqlite3";
import type {
	CaseResult,
	EvalRunRecord,
	EvalStore,
	Feedback,
	FeedbackFilter,
} from "./eval-store.ts";
import { feedbackRow, feedbackWhere } from "./eval-store.ts";

/** Options of the SQLite evaluation store. */
export interface SqliteEvalStoreOptions {
	/** The file (the one the threads live in, e.g. "weft.db") or ":memory:"; ignored when `database` is given. */
	path?: string | undefined;
	/**
	 * An open better-sqlite3 database to share. One opened read-only (`readonly`) is only read: no table is
	 * made in it, a file without this store's tables reads as empty, and a write is STORE_UNAVAILABLE.
	 */
	database?: Database.Database | undefined;
}

const OPTION_KEYS = keysOf<SqliteEvalStoreOptions>({
	path: true,
	database: true,
});

// Own tables, created here: the checkpoint tables and their migrations stay the checkpointer's.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS weft_eval_runs (
	id TEXT PRIMARY KEY, started_at TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS weft_eval_cases (
	run_id TEXT NOT NULL, case_id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL,
	PRIMARY KEY (run_id, case_id));
CREATE TABLE IF NOT EXISTS weft_feedback (
	id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, checkpoint_id TEXT, by_whom TEXT, label TEXT,
	created_at TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS weft_feedback_thread ON weft_feedback (thread_id, created_at);
`;

/** This store's tables and the columns it reads and writes in each. */
const TABLES: ReadonlyArray<readonly [string, readonly string[]]> = [
	["weft_eval_runs", ["id", "started_at", "data"]],
	["weft_eval_cases", ["run_id", "case_id", "position", "data"]],
	[
		"weft_feedback",
		[
			"id",
			"thread_id",
			"checkpoint_id",
			"by_whom",
			"label",
			"created_at",
			"data",
		],
	],
];

/**
 * How many of this store's tables the file has (reads only); one of their names with other columns is a
 * table of something else, refused before anything is written.
 */
function foundTables(db: Database.Database): number {
	let found = 0;
	for (const [table, columns] of TABLES) {
		const has = new Set(
			(db.pragma(`table_info(${table})`) as { name: string }[]).map(
				(c) => c.name,
			),
		);
		if (has.size === 0) continue;
		const missing = columns.find((c) => !has.has(c));
		if (missing !== undefined)
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`${db.name} is not an evaluation store: its table ${table} has no column ${missing}`,
				{
					hint: `the table ${table} in ${db.name} belongs to something else (nothing was written to it): pass the threads' file (weft.db) or a new file name`,
				},
			);
		found++;
	}
	return found;
}

/**
 * Evaluation runs, case results and feedback in SQLite (the `@weft/evals/sqlite` entry; better-sqlite3
 * is an optional peer). Point it at the threads' file to keep results beside them.
 * @example const store = new SqliteEvalStore({ path: "weft.db" });
 */
export class SqliteEvalStore implements EvalStore {
	readonly #db: Database.Database;
	readonly #owned: boolean;
	/** Whether the file has this store's tables (false only in a read-only database that never had them). */
	readonly #tables: boolean;

	constructor(options: SqliteEvalStoreOptions = {}) {
		// a misspelt `path` would open ":memory:": every result gone with the process
		refuseUnknownKeys(options, OPTION_KEYS, "SqliteEvalStore");
		const path: unknown = options.path ?? ":memory:";
		if (typeof path !== "string")
			throw new ConfigError(
				"CONFIG_INVALID",
				`SqliteEvalStore's path must be a file name, got ${typeof path}`,
				{ hint: 'pass the threads\' file, e.g. { path: "weft.db" }' },
			);
		this.#owned = options.database === undefined;
		let db: Database.Database | undefined = options.database;
		try {
			db ??= new Database(path);
			this.#db = db;
			this.#tables = this.#setup();
		} catch (error) {
			if (this.#owned) db?.close();
			if (isWeftError(error)) throw error;
			throw unopenable(error, db?.name ?? path);
		}
	}

	/**
	 * Makes the tables the file lacks (not in a read-only database): whether the file has them. A file
	 * that has them all is only read, so it opens while another connection writes (decision 0250).
	 */
	#setup(): boolean {
		const found = foundTables(this.#db);
		if (found === TABLES.length) return true;
		if (this.#db.readonly) return false;
		if (this.#owned) this.#db.pragma("journal_mode = WAL");
		this.#db.exec(SCHEMA);
		return true;
	}

	/** The database for a write: refused, typed, when it was opened read-only. */
	#writable(): Database.Database {
		if (this.#db.readonly)
			throw new WeftError(
				"STORE_UNAVAILABLE",
				`the evaluation store on ${this.#db.name} was opened read-only: nothing can be recorded in it`,
				{
					hint: "open the file for writing (a database opened without readonly) to record runs and feedback",
				},
			);
		return this.#db;
	}

	async putRun(run: EvalRunRecord): Promise<void> {
		this.#writable()
			.prepare(
				"INSERT OR REPLACE INTO weft_eval_runs (id, started_at, data) VALUES (?, ?, ?)",
			)
			.run(run.id, run.startedAt, JSON.stringify(run));
	}

	async getRun(id: string): Promise<EvalRunRecord | undefined> {
		if (!this.#tables) return undefined;
		const row = this.#db
			.prepare("SELECT data FROM weft_eval_runs WHERE id = ?")
			.get(id) as { data: string } | undefined;
		return row === undefined
			? undefined
			: (JSON.parse(row.data) as EvalRunRecord);
	}

	async listRuns(limit = 100): Promise<EvalRunRecord[]> {
		if (!this.#tables) return [];
		const rows = this.#db
			.prepare(
				"SELECT data FROM weft_eval_runs ORDER BY started_at DESC, id DESC LIMIT ?",
			)
			.all(limit) as { data: string }[];
		return rows.map((r) => JSON.parse(r.data) as EvalRunRecord);
	}

	async putCase(runId: string, result: CaseResult): Promise<void> {
		this.#writable()
			.prepare(
				"INSERT OR REPLACE INTO weft_eval_cases (run_id, case_id, position, data) VALUES (?, ?, ?, ?)",
			)
			.run(runId, result.caseId, result.index, JSON.stringify(result));
	}

	async listCases(runId: string): Promise<CaseResult[]> {
		if (!this.#tables) return [];
		const rows = this.#db
			.prepare(
				"SELECT data FROM weft_eval_cases WHERE run_id = ? ORDER BY position",
			)
			.all(runId) as { data: string }[];
		return rows.map((r) => JSON.parse(r.data) as CaseResult);
	}

	async addFeedback(f: Feedback): Promise<void> {
		this.#writable()
			.prepare(
				"INSERT INTO weft_feedback (id, thread_id, checkpoint_id, by_whom, label, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
			)
			.run(...feedbackRow(f));
	}

	async listFeedback(filter: FeedbackFilter = {}): Promise<Feedback[]> {
		if (!this.#tables) return [];
		const where = feedbackWhere(filter, () => "?");
		const sql = `SELECT data FROM weft_feedback ${where.sql} ORDER BY created_at, rowid LIMIT ?`;
		const rows = this.#db
			.prepare(sql)
			.all(...where.args, filter.limit ?? -1) as {
			data: string;
		}[];
		return rows.map((r) => JSON.parse(r.data) as Feedback);
	}

	async close(): Promise<void> {
		if (this.#owned) this.#db.close();
	}
}

/** The driver's error on opening (a missing folder, a file that is no database), typed and naming the file. */
function unopenable(error: unknown, path: string): WeftError {
	const message = error instanceof Error ? error.message : String(error);
	const code = (error as { code?: unknown } | null)?.code;
	return new WeftError(
		"STORE_UNAVAILABLE",
		`the evaluation store cannot open ${path}: ${message}`,
		{
			hint:
				code === "SQLITE_NOTADB"
					? `${path} is not a SQLite database (nothing was written to it): pass the threads' file, or a new file name`
					: typeof code === "string" &&
							(code.startsWith("SQLITE_BUSY") ||
								code.startsWith("SQLITE_LOCKED"))
						? `another connection is writing to ${path} and held it while this store made its tables: try again once it is done`
						: `check that the directory of ${path} exists and that this process may write there`,
			cause: error,
		},
	);
}
