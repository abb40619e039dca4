import type pg from "pg";

/**
 * A connection held for LISTEN: calls `onNotify` for each notification; reconnects when it drops (until it
 * can: a restarted database), then calls `onReconnect` (what was sent meanwhile was not heard).
 */
export class Listener {
	readonly #pool: pg.Pool;
	readonly #channels: string[];
	readonly #onNotify: (channel: string, payload: string) => void;
	readonly #onReconnect: () => void;
	#client: pg.PoolClient | undefined;
	#closed = false;
	/** The next attempt to listen again, while the connection is lost. */
	#retry: ReturnType<typeof setTimeout> | undefined;
	/** The round trip of `sync()` on the wire, and the one callers arriving meanwhile share after it. */
	#syncing: Promise<void> | undefined;
	#nextSync: Promise<void> | undefined;

	constructor(
		pool: pg.Pool,
		channels: string[],
		onNotify: (channel: string, payload: string) => void,
		onReconnect: () => void = () => {},
	) {
		this.#pool = pool;
		this.#channels = channels;
		this.#onNotify = onNotify;
		this.#onReconnect = onReconnect;
	}

	async start(): Promise<void> {
		const client = await this.#pool.connect();
		this.#client = client;
		client.on("notification", (n) =>
			this.#onNotify(n.channel, n.payload ?? ""),
		);
		client.on("error", () => {
			// an error can come after close() released the client (the database dropped as it closed),
			// or twice: only the first release counts (a second one throws inside pg's event handler)
			if (this.#client !== client) return;
			this.#client = undefined;
			client.release(true);
			this.#reconnect();
		});
		try {
			for (const channel of this.#channels)
				await client.query(`LISTEN ${channel}`);
		} catch (error) {
			if (this.#client === client) {
				this.#client = undefined;
				client.release(true);
			}
			throw error;
		}
	}

	/** Listens again half a second after a loss, and every half second until the database is back. */
	#reconnect(): void {
		if (this.#closed || this.#retry !== undefined) return;
		this.#retry = setTimeout(() => {
			this.#retry = undefined;
			if (this.#closed) return;
			this.start()
				.then(this.#onReconnect, () => this.#reconnect())
				.catch(() => {});
		}, 500);
	}

	/**
	 * Resolves once every notification committed before the call has been handed to `onNotify`: a round
	 * trip on the listening connection, whose answer Postgres sends after the notifications pending for it.
	 * Callers arriving while one is on the wire share the next one (it started after them).
	 */
	sync(): Promise<void> {
		if (this.#syncing === undefined) {
			this.#syncing = this.#roundTrip().finally(() => {
				this.#syncing = undefined;
			});
			return this.#syncing;
		}
		this.#nextSync ??= this.#syncing.then(() => {
			this.#nextSync = undefined;
			return this.sync();
		});
		return this.#nextSync;
	}

	async #roundTrip(): Promise<void> {
		// reconnecting: what was missed is reloaded once it is back (`onReconnect`)
		await this.#client?.query("SELECT 1").catch(() => {});
	}

	async close(): Promise<void> {
		this.#closed = true;
		clearTimeout(this.#retry);
		const client = this.#client;
		this.#client = undefined;
		if (client === undefined) return;
		await client.query("UNLISTEN *").catch(() => {});
		client.release();
	}
}
