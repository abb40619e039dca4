import type pg from "pg";

/** A connection held for LISTEN: calls `onNotify` for each notification; reconnects when it drops. */
export class Listener {
	readonly #pool: pg.Pool;
	readonly #channels: string[];
	readonly #onNotify: (channel: string, payload: string) => void;
	readonly #onReconnect: () => void;
	#client: pg.PoolClient | undefined;
	#closed = false;

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
			if (!this.#closed)
				setTimeout(() => {
					void this.start()
						.then(this.#onReconnect)
						.catch(() => {});
				}, 500);
		});
		for (const channel of this.#channels)
			await client.query(`LISTEN ${channel}`);
	}

	async close(): Promise<void> {
		this.#closed = true;
		const client = this.#client;
		this.#client = undefined;
		if (client === undefined) return;
		await client.query("UNLISTEN *").catch(() => {});
		client.release();
	}
}
