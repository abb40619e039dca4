import Database from "better-sqlite3";
import type { RunRecord, ThreadRecord } from "../thread-registry.ts";
import {
	decodeRecord,
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

/** Thread and run records in two tables of a SQLite file (the checkpointer's file, its own tables). */
export class SqliteRecords implements ServerRecords {
	readonly #db: Database.Database;

	constructor(path: string) {
		this.#db = new Database(path);
		this.#db.pragma("busy_timeout = 5000");
		this.#db.pragma("journal_mode = WAL");
		this.#db.exec(SCHEMA);
	}

	#all<T>(table: string): T[] {
		return (
			this.#db.prepare(`SELECT body FROM ${table}`).all() as { body: string }[]
		).map((r) => decodeRecord<T>(r.body));
	}

	loadThreads = async () => this.#all<ThreadRecord>("weft_server_threads");
	loadRuns = async () => this.#all<RunRecord>("weft_server_runs");
	getRun = async (runId: string) => {
		const row = this.#db
			.prepare("SELECT body FROM weft_server_runs WHERE run_id = ?")
			.get(runId) as { body: string } | undefined;
		return row === undefined ? undefined : decodeRecord<RunRecord>(row.body);
	};
	putThread = async (t: ThreadRecord) => {
		this.#db
			.prepare(
				"INSERT INTO weft_server_threads (thread_id, body) VALUES (?, ?) ON CONFLICT (thread_id) DO UPDATE SET body = excluded.body",
			)
			.run(t.threadId, encodeRecord(t));
	};
	deleteThread = async (threadId: string) => {
		this.#db
			.prepare("DELETE FROM weft_server_threads WHERE thread_id = ?")
			.run(threadId);
	};
	putRun = async (r: RunRecord) => {
		this.#db
			.prepare(
				"INSERT INTO weft_server_runs (run_id, thread_id, body) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET body = excluded.body",
			)
			.run(r.runId, r.threadId, encodeRecord(r));
	};
	deleteRun = async (runId: string) => {
		this.#db
			.prepare("DELETE FROM weft_server_runs WHERE run_id = ?")
			.run(runId);
	};
	close = async () => {
		this.#db.close();
	};
}
