import { record } from "@weft/checkpoint/conformance";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	admin,
	CONNECTION,
	freshSchema,
	postgresAvailable,
	rows,
} from "./postgres.ts";

const available = await postgresAvailable();

/**
 * A pool whose clients stop answering (as a process paused with SIGSTOP, or frozen in a long GC pause)
 * once the thread row is locked: the session stays open, idle in its transaction, holding the lock.
 */
function freezingPool(): {
	pool: pg.Pool;
	frozen: Promise<void>;
	wake: () => void;
} {
	const pool = new pg.Pool({ connectionString: CONNECTION, max: 2 });
	let froze!: () => void;
	const frozen = new Promise<void>((r) => {
		froze = r;
	});
	let woken!: () => void;
	const awake = new Promise<void>((r) => {
		woken = r;
	});
	let locked = false;
	pool.on("connect", (client) => {
		const query = client.query.bind(client) as (...a: unknown[]) => unknown;
		(client as unknown as { query: unknown }).query = (...args: unknown[]) => {
			if (locked) {
				locked = false;
				froze();
				// sent when the process wakes up
				return awake.then(() => query(...args));
			}
			const text =
				typeof args[0] === "string"
					? args[0]
					: ((args[0] as { text?: string }).text ?? "");
			if (/FOR UPDATE/.test(text)) locked = true;
			return query(...args);
		};
	});
	return { pool, frozen, wake: woken };
}

describe.skipIf(!available)("a runner paused inside a transaction", () => {
	const cleanups: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0)) await c().catch(() => {});
	});

	it("holds the thread's row lock only until Postgres ends its idle transaction: another runner then takes the lease over", async () => {
		const schema = freshSchema();
		const b = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		cleanups.push(async () => {
			await b.close();
			await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
		});
		const { pool, frozen, wake } = freezingPool();
		cleanups.push(() => pool.end());
		const a = await PostgresCheckpointer.connect({ pool, schema });
		const lease = await a.acquireLease("t", { owner: "A", ttlMs: 300 });
		const first = record({ threadId: "t" });
		await a.put(first, { fence: lease.token });
		// A records a pending write: it locks the thread row, then stops answering
		const write = a
			.putWrites(
				{ threadId: "t", checkpointId: first.checkpointId },
				[{ kind: "done", taskId: "task", node: "n", writes: [] }],
				{ fence: lease.token },
			)
			.then(
				() => "written",
				(e: { code?: string }) => e.code,
			);
		await frozen;
		expect(
			await rows(
				"SELECT state FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE '%FOR UPDATE%'",
			),
		).not.toEqual([]);
		// A's lease lapses; B takes it over (without the fix this waits for A's lock for ever)
		await new Promise((r) => setTimeout(r, 400));
		const taken = await b.acquireLease("t", { owner: "B", ttlMs: 30_000 });
		expect(taken).toMatchObject({ owner: "B", token: lease.token + 1 });
		expect((await b.getThreadLease("t"))?.lease?.owner).toBe("B");
		// A wakes up: its session is gone, its write runs again on a new one and is refused by the fence
		wake();
		expect(await write).toBe("LEASE_LOST");
		expect((await b.getTuple({ threadId: "t" }))?.pendingWrites).toEqual([]);
		expect((await b.getThreadLease("t"))?.lease?.owner).toBe("B");
	}, 30_000);
});
