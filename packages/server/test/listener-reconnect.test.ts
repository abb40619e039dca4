// The listening connection lost while the database cannot be reached (a restart, a failover): the
// listener tries again until it is back, LISTENs again and tells its owner to reload what it missed. It
// tried once, half a second after the loss, and then never again: a `weft serve` heard no other
// process's change any more (its read barrier, decision 0105, answered at once), a worker no cancel.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Listener } from "../src/worker/listen.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
	if (available) db = await freshDatabase("srvbench_listener");
});
afterAll(async () => {
	await db?.drop();
});

/** A pool whose new connections fail while `down`, as while the database restarts. */
class OutagePool extends pg.Pool {
	down = false;
	failed = 0;
	override connect(): Promise<pg.PoolClient>;
	override connect(
		callback: (
			err: Error | undefined,
			client: pg.PoolClient | undefined,
			done: (release?: unknown) => void,
		) => void,
	): void;
	override connect(...args: unknown[]): unknown {
		if (this.down && args.length === 0) {
			this.failed++;
			return Promise.reject(new Error("the database system is starting up"));
		}
		return (super.connect as (...a: unknown[]) => unknown)(...args);
	}
}

describe.skipIf(!available)("a listener whose connection is lost", () => {
	it("reconnects once the database can be reached again, however long that takes", async () => {
		const pool = new OutagePool({ connectionString: db.url, max: 2 });
		pool.on("error", () => {});
		const heard: string[] = [];
		let reconnected = 0;
		const listener = new Listener(
			pool,
			["weft_test_channel"],
			(_channel, payload) => heard.push(payload),
			() => reconnected++,
		);
		const admin = new pg.Client({ connectionString: db.url });
		await admin.connect();
		try {
			await listener.start();
			await admin.query("NOTIFY weft_test_channel, 'before'");
			await waitFor(async () => heard.includes("before"));
			// the database goes away: the listening session ends, and no new one can be made for a while
			pool.down = true;
			await admin.query(
				`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`,
			);
			await waitFor(async () => pool.failed >= 2);
			// it is back: the listener listens again and says so
			pool.down = false;
			await waitFor(async () => reconnected > 0);
			await admin.query("NOTIFY weft_test_channel, 'after'");
			await waitFor(async () => heard.includes("after"));
			expect(reconnected).toBe(1);
		} finally {
			await listener.close();
			await admin.end();
			await pool.end();
		}
	}, 30_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 200; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}
