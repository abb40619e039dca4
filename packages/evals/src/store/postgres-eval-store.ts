import {
	ConfigError,
	keysOf,
	refuseUnknownKeys,
	WeftError,
} from "@weft/checkpoint";
import pg from "pg";
import type {
	CaseResult,
	EvalRunRecord,
	EvalStore,
	Feedback,
	FeedbackFilter,
} from "./eval-store.ts";
import { feedbackRow, feedbackWhere } from "./eval-store.ts";

/** Options of the Postgres evaluation store. */
export interface PostgresEvalStoreOptions {
	connectionString?: string | undefined;
	/** A pool to share (it stays open on `close()`). */
	pool?: pg.Pool | undefined;
	/** Schema of the tables. Default "public". */
	schema?: string | undefined;
}

const OPTION_KEYS = keysOf<PostgresEvalStoreOptions>({
	connectionString: true,
	pool: true,
	schema: true,
});

const ident = (s: unknown) => {
	if (typeof s !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s))
		throw new ConfigError(
			"CONFIG_INVALID",
			`PostgresEvalStore's schema ${JSON.stringify(s)} is no schema name`,
			{ hint: 'name it with letters, digits and _, like "weft" or "acme"' },
		);
	return `"${s}"`;
};

/**
 * Evaluation runs, case results and feedback in Postgres (the `@weft/evals/postgres` entry; pg is an
 * optional peer), in tables of their own beside the threads'. Create it with `connect`.
 */
export class PostgresEvalStore implements EvalStore {
	readonly #pool: pg.Pool;
	readonly #owned: boolean;
	readonly #s: string;

	private constructor(pool: pg.Pool, owned: boolean, schema: string) {
		this.#pool = pool;
		this.#owned = owned;
		this.#s = ident(schema);
	}

	/** Connects and creates the tables when missing. */
	static async connect(
		options: PostgresEvalStoreOptions,
	): Promise<PostgresEvalStore> {
		// a misspelt `schema` would put the tables in public, with every other schema's
		refuseUnknownKeys(options, OPTION_KEYS, "PostgresEvalStore.connect");
		ident(options.schema ?? "public"); // refused before a pool is made

		const owned = options.pool === undefined;
		const pool =
			options.pool ??
			new pg.Pool({ connectionString: options.connectionString });
		if (options.pool === undefined) {
			// a dropped connection must not end the process with an unhandled 'error' event: the query on it
			// rejects, and the pool replaces the client
			pool.on("error", () => {});
			pool.on("connect", (client) => client.on("error", () => {}));
		}
		const store = new PostgresEvalStore(
			pool,
			owned,
			options.schema ?? "public",
		);
		try {
			await store.#setup();
		} catch (error) {
			if (owned) await pool.end().catch(() => {});
			throw unreachable(error, options.connectionString);
		}
		return store;
	}

	async #setup(): Promise<void> {
		const s = this.#s;
		await this.#pool.query(`
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.weft_eval_runs (
	id TEXT PRIMARY KEY, started_at TEXT NOT NULL, data JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.weft_eval_cases (
	run_id TEXT NOT NULL, case_id TEXT NOT NULL, position INTEGER NOT NULL, data JSONB NOT NULL,
	PRIMARY KEY (run_id, case_id));
CREATE TABLE IF NOT EXISTS ${s}.weft_feedback (
	seq BIGSERIAL, id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, checkpoint_id TEXT, by_whom TEXT,
	label TEXT, created_at TEXT NOT NULL, data JSONB NOT NULL);
CREATE INDEX IF NOT EXISTS weft_feedback_thread ON ${s}.weft_feedback (thread_id, created_at);`);
	}

	async putRun(run: EvalRunRecord): Promise<void> {
		await this.#pool.query(
			`INSERT INTO ${this.#s}.weft_eval_runs (id, started_at, data) VALUES ($1, $2, $3)
			 ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at, data = EXCLUDED.data`,
			[run.id, run.startedAt, JSON.stringify(run)],
		);
	}

	async getRun(id: string): Promise<EvalRunRecord | undefined> {
		const r = await this.#pool.query(
			`SELECT data FROM ${this.#s}.weft_eval_runs WHERE id = $1`,
			[id],
		);
		return r.rows[0]?.data as EvalRunRecord | undefined;
	}

	async listRuns(limit = 100): Promise<EvalRunRecord[]> {
		const r = await this.#pool.query(
			`SELECT data FROM ${this.#s}.weft_eval_runs ORDER BY started_at DESC, id DESC LIMIT $1`,
			[limit],
		);
		return r.rows.map((row) => row.data as EvalRunRecord);
	}

	async putCase(runId: string, result: CaseResult): Promise<void> {
		await this.#pool.query(
			`INSERT INTO ${this.#s}.weft_eval_cases (run_id, case_id, position, data) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (run_id, case_id) DO UPDATE SET position = EXCLUDED.position, data = EXCLUDED.data`,
			[runId, result.caseId, result.index, JSON.stringify(result)],
		);
	}

	async listCases(runId: string): Promise<CaseResult[]> {
		const r = await this.#pool.query(
			`SELECT data FROM ${this.#s}.weft_eval_cases WHERE run_id = $1 ORDER BY position`,
			[runId],
		);
		return r.rows.map((row) => row.data as CaseResult);
	}

	async addFeedback(f: Feedback): Promise<void> {
		await this.#pool.query(
			`INSERT INTO ${this.#s}.weft_feedback (id, thread_id, checkpoint_id, by_whom, label, created_at, data)
			 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			feedbackRow(f),
		);
	}

	async listFeedback(filter: FeedbackFilter = {}): Promise<Feedback[]> {
		const { sql, args } = feedbackWhere(filter, (n) => `$${n}`);
		args.push(filter.limit ?? null);
		const r = await this.#pool.query(
			`SELECT data FROM ${this.#s}.weft_feedback ${sql}
			 ORDER BY created_at, seq LIMIT $${args.length}`,
			args,
		);
		return r.rows.map((row) => row.data as Feedback);
	}

	async close(): Promise<void> {
		if (this.#owned) await this.#pool.end();
	}
}

/** Where a connection string points, without its password: `user@host:port/db`. */
function placeOf(connectionString: string | undefined): string {
	if (connectionString === undefined) return "the given pool";
	try {
		const url = new URL(connectionString);
		return `${url.username === "" ? "" : `${decodeURIComponent(url.username)}@`}${url.host}${decodeURIComponent(url.pathname)}`;
	} catch {
		return "the database of its connection string";
	}
}

/** The driver's error on connecting (server down, no such database, no right to make the tables), typed. */
function unreachable(error: unknown, connectionString: string | undefined) {
	if (error instanceof WeftError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new WeftError(
		"STORE_UNAVAILABLE",
		`the evaluation store cannot use Postgres at ${placeOf(connectionString)}: ${message}`,
		{
			hint: "check that the server is up, the database exists and this user may create tables in its schema",
			cause: error,
		},
	);
}
