import { WeftError } from "@weft/checkpoint";
import pg from "pg";
import { type LockWaitOptions, seconds, waitForLock } from "./lock-wait.ts";

/**
 * A process's hold on a Postgres database it serves (decisions 0106, 0110): a session advisory lock,
 * exclusive for an API that executes runs itself, shared for `weft serve` and `weft worker`, on a
 * connection of its own (not the records' pool), held until `release()` or the process dies. A connection
 * lost under it (a killed backend, a restarted database) is replaced and the lock taken again at once; if
 * another process took it the other way meanwhile, `lost` is told and the lock is not tried again.
 */
export class ServingLock {
	readonly #config: pg.ClientConfig;
	/** The connection holding the lock. */
	#client: pg.Client | undefined;
	/** How it serves the database (`take(alone)`), until released: a lock lost is taken again so. */
	#alone: boolean | undefined;
	/** Told when the lock, lost with its connection, was found taken the other way (`take(alone, lost)`). */
	#lost: ((error: WeftError) => void) | undefined;

	/** How long `take` waits while another process holds the lock the other way (default: not at all). */
	readonly #wait: LockWaitOptions;

	constructor(config: pg.ClientConfig, wait: LockWaitOptions = {}) {
		this.#config = config;
		this.#wait = wait;
	}

	/**
	 * Takes the lock `alone` or shared; while another process holds it the other way, tries again until
	 * `lockWaitMs` has passed (a restart overlapping the old process's shutdown; decision 0138), then
	 * STORE_UNAVAILABLE. Resolves to the function that lets it go. Taken already: a no-op.
	 */
	take = async (
		alone: boolean,
		lost?: (error: WeftError) => void,
	): Promise<() => Promise<void>> => {
		if (this.#alone !== undefined) return async () => {};
		const { lock: client, waitMs } = await waitForLock(
			async () => {
				const got = await this.#connect(alone);
				return typeof got === "object" ? got : undefined;
			},
			this.#wait,
			0,
			"the other process serving this Postgres database",
		);
		if (client === undefined) throw refused(alone, waitMs);
		this.#alone = alone;
		this.#client = client;
		this.#lost = lost;
		return () => this.release();
	};

	/** A new connection holding the lock, or why not: held the other way, or maybe still by `lostPid`. */
	async #connect(
		alone: boolean,
		/** The backend of the connection lost: while it still exists, the lock may still be its own. */
		lostPid?: number,
	): Promise<pg.Client | "dying" | undefined> {
		const client = new pg.Client(this.#config);
		client.on("error", () => this.#dropped(client));
		try {
			await client.connect();
			const { rows } = await client.query(
				`SELECT ${alone ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared"}(hashtext('weft_serving')) AS got,
					EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1) AS dying`,
				[lostPid ?? 0],
			);
			const row = rows[0] as { got: boolean; dying: boolean };
			if (row.got) return client;
			await client.end().catch(() => {});
			return row.dying ? "dying" : undefined;
		} catch (error) {
			await client.end().catch(() => {});
			throw error;
		}
	}

	/**
	 * The connection holding the lock dropped: the lock is taken again at once, and every second while the
	 * database cannot be reached or the lost backend still exists. Held the other way by another process:
	 * `lost` (decision 0110).
	 */
	#dropped(client: pg.Client): void {
		if (this.#client !== client) return;
		this.#client = undefined;
		const lostPid = (client as unknown as { processID?: number }).processID;
		const retake = () => {
			const alone = this.#alone;
			if (alone === undefined) return;
			this.#connect(alone, lostPid).then(
				(again) => {
					if (this.#alone === undefined) {
						if (typeof again === "object") void again.end().catch(() => {});
					} else if (typeof again === "object") this.#client = again;
					else if (again === "dying") setTimeout(retake, 200).unref();
					else {
						const lost = this.#lost;
						this.#alone = undefined;
						this.#lost = undefined;
						lost?.(lostToOther(alone));
					}
				},
				() => setTimeout(retake, 1000).unref(),
			);
		};
		setImmediate(retake);
	}

	/** Lets the lock go (closes its connection); not held: a no-op. */
	async release(): Promise<void> {
		const client = this.#client;
		this.#client = undefined;
		this.#alone = undefined;
		this.#lost = undefined;
		await client?.end().catch(() => {});
	}
}

/** Why a start is refused: another process holds the database the other way (decision 0106). */
function refused(alone: boolean, waitedMs: number): WeftError {
	return alone
		? new WeftError(
				"STORE_UNAVAILABLE",
				`another process serves this Postgres database (weft serve, weft worker, or another weft dev)${waitedMs > 0 ? ` (waited ${seconds(waitedMs)})` : ""}: an API that executes runs itself must be its only server`,
				{
					hint: "stop it first; several processes share one database as weft serve + weft worker; to wait longer for one that is shutting down: --lock-wait <duration> or WEFT_LOCK_WAIT (weft dev)",
				},
			)
		: new WeftError(
				"STORE_UNAVAILABLE",
				"a weft dev (an API that executes runs itself) serves this Postgres database alone",
				{
					hint: "stop it first; weft serve and weft worker processes share a database, weft dev does not",
				},
			);
}

/** What a process is told when the serving lock it lost was taken the other way meanwhile (decision 0110). */
function lostToOther(alone: boolean): WeftError {
	return new WeftError(
		"STORE_UNAVAILABLE",
		alone
			? "lost this process's serving lock of the Postgres database (its connection dropped), and another process (weft serve, weft worker or another weft dev) took it meanwhile: this process stops executing runs"
			: "lost this process's serving lock of the Postgres database (its connection dropped), and a weft dev took it alone meanwhile: this process stops serving",
		{
			hint: alone
				? "one weft dev per database, never beside weft serve + weft worker: stop the other process, then start this one again"
				: "weft dev holds a database alone: stop it, then start weft serve and weft worker again",
		},
	);
}
