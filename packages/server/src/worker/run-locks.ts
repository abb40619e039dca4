import type pg from "pg";

/**
 * Session advisory locks, one per run a worker executes, on one connection the worker keeps: they last as
 * long as the worker's session, so a worker that dies (SIGKILL, lost connection) releases them at once.
 * A lost session is replaced on the next use, and the locks of the runs still executing here are taken
 * again on it (meanwhile the thread's lease still guards those runs): not of a run that is no longer this
 * worker's attempt (a sweep took it back from this worker while it was paused or cut off, decision 0107).
 * The worker is told of such a run (`onTakenBack`): its attempt stops, rather than running on while the
 * next attempt waits for the thread's lease (decision 0167). `check` replaces a lost session at once.
 */
export class RunLocks {
	readonly #pool: pg.Pool;
	readonly #onTakenBack: TakenBack | undefined;
	#client: pg.PoolClient | undefined;
	#connecting: Promise<pg.PoolClient> | undefined;
	/** Runs whose lock this worker holds, and for which attempt (releasing one it does not hold: a no-op). */
	readonly #held = new Map<string, number>();

	private constructor(pool: pg.Pool, onTakenBack: TakenBack | undefined) {
		this.#pool = pool;
		this.#onTakenBack = onTakenBack;
	}

	static async open(pool: pg.Pool, onTakenBack?: TakenBack): Promise<RunLocks> {
		const locks = new RunLocks(pool, onTakenBack);
		await locks.#session();
		return locks;
	}

	static key = (runId: string) => `weft_run:${runId}`;

	#session(): Promise<pg.PoolClient> {
		if (this.#client !== undefined) return Promise.resolve(this.#client);
		this.#connecting ??= this.#connect().finally(() => {
			this.#connecting = undefined;
		});
		return this.#connecting;
	}

	async #connect(): Promise<pg.PoolClient> {
		const client = await this.#pool.connect();
		client.on("error", () => this.#drop(client));
		const takenBack: Array<[string, number]> = [];
		try {
			for (const [runId, attempt] of this.#held)
				if (!(await retake(client, runId, attempt))) {
					this.#held.delete(runId);
					takenBack.push([runId, attempt]);
				}
		} catch (error) {
			client.release(true);
			throw error;
		}
		this.#client = client;
		for (const [runId, attempt] of takenBack)
			this.#onTakenBack?.(runId, attempt);
		return client;
	}

	/**
	 * Replaces a session lost since its last use now (taking its runs' locks again, and telling the worker
	 * of those taken back), rather than at the next run this worker takes or ends: a worker cut off from
	 * the database that is busy with one long run learns at once, on reconnecting, that it was taken back.
	 */
	async check(): Promise<void> {
		const client = await this.#session();
		try {
			// a session whose end was not heard yet (its error event still to come) is found out here
			await client.query("SELECT 1");
		} catch {
			this.#drop(client);
			await this.#session();
		}
	}

	/** Forgets a broken session (its locks went with it). */
	#drop(client: pg.PoolClient): void {
		if (this.#client !== client) return;
		this.#client = undefined;
		client.release(true);
	}

	/**
	 * Takes the run's lock for `attempt` unless another session holds it; a broken session is replaced
	 * once.
	 */
	async hold(runId: string, attempt: number): Promise<boolean> {
		const client = await this.#session();
		let got: boolean;
		try {
			got = await tryLock(client, runId);
		} catch {
			this.#drop(client);
			got = await tryLock(await this.#session(), runId);
		}
		if (got) this.#held.set(runId, attempt);
		return got;
	}

	/**
	 * Gives up the run's lock held for `attempt`. A no-op when this worker holds it for another attempt: a
	 * stale attempt ending (its run was taken back from it while the process was paused, decision 0107)
	 * after the run's next attempt was taken here lets go of nothing of that attempt's.
	 */
	async release(runId: string, attempt: number): Promise<void> {
		if (this.#held.get(runId) !== attempt) return;
		this.#held.delete(runId);
		// a session being replaced may be taking this run's lock again right now: release it there
		const client =
			this.#client ?? (await this.#connecting?.catch(() => undefined));
		// no session: the lock went with the lost one
		if (client === undefined) return;
		await client
			.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [
				RunLocks.key(runId),
			])
			.catch(() => this.#drop(client));
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
		const client = this.#client;
		this.#client = undefined;
		client?.release();
	}
}

/** Told of a run taken back from this worker: its lock could not be taken again for `attempt`. */
export type TakenBack = (runId: string, attempt: number) => void;

/**
 * Takes the run's lock again on a new session, if the run is still `attempt`'s: running it, or pending
 * before its claim (the lock is taken before the claim). A sweep that took it back from this worker
 * left it pending with this attempt, or a later attempt claimed it: its lock is left to that attempt.
 * The run's row is read under a share lock, so a sweep's move back to pending that is being committed
 * (decision 0127) is waited for, and then read: the lock is never taken again from a row the sweep has
 * already moved, as it would be from a snapshot taken before the sweep's commit.
 */
async function retake(
	client: pg.PoolClient,
	runId: string,
	attempt: number,
): Promise<boolean> {
	const { rows } = await client.query(
		`WITH mine AS MATERIALIZED (SELECT 1 FROM weft_server.runs
			WHERE run_id = $1 AND ((status = 'running' AND attempt = $2) OR (status = 'pending' AND attempt < $2))
			FOR SHARE)
		SELECT pg_try_advisory_lock(hashtextextended($3, 0)) AS got FROM mine`,
		[runId, attempt, RunLocks.key(runId)],
	);
	return rows[0]?.got === true;
}

async function tryLock(client: pg.PoolClient, runId: string): Promise<boolean> {
	const { rows } = await client.query(
		"SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got",
		[RunLocks.key(runId)],
	);
	return rows[0].got === true;
}
