import type pg from "pg";

/**
 * Session advisory locks, one per run a worker executes, on one connection the worker keeps: they last as
 * long as the worker's session, so a worker that dies (SIGKILL, lost connection) releases them at once.
 */
export class RunLocks {
	readonly #client: pg.PoolClient;
	/** Runs whose lock this worker holds (a release of one it does not hold is a no-op). */
	readonly #held = new Set<string>();

	private constructor(client: pg.PoolClient) {
		this.#client = client;
	}

	static async open(pool: pg.Pool): Promise<RunLocks> {
		const client = await pool.connect();
		// a lost connection drops the locks: the thread's lease still guards the runs in flight
		client.on("error", () => {});
		return new RunLocks(client);
	}

	static key = (runId: string) => `weft_run:${runId}`;

	/** Takes the run's lock unless another session holds it. */
	async hold(runId: string): Promise<boolean> {
		const { rows } = await this.#client.query(
			"SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got",
			[RunLocks.key(runId)],
		);
		if (rows[0].got === true) this.#held.add(runId);
		return rows[0].got === true;
	}

	async release(runId: string): Promise<void> {
		if (!this.#held.delete(runId)) return;
		await this.#client
			.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [
				RunLocks.key(runId),
			])
			.catch(() => {});
	}

	/**
	 * Whether a worker (this one included) holds the run's lock: tried on another connection of the pool
	 * and released with that statement's transaction.
	 */
	async held(pool: pg.Pool, runId: string): Promise<boolean> {
		const { rows } = await pool.query(
			"SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free",
			[RunLocks.key(runId)],
		);
		return rows[0].free !== true;
	}

	close(): void {
		this.#client.release();
	}
}
