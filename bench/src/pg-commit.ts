// The floor of a durable step on Postgres: one round-trip commit, an autocommit INSERT of one small row
// through a named (prepared) statement over one `pg` connection, measured on this machine; and the fresh
// database W1p runs in.
import pg from "pg";
import { gc, now } from "./measure.ts";

/** The Postgres server (a URL without a database): WEFT_BENCH_POSTGRES, or the local one. */
export const PG_SERVER =
	process.env.WEFT_BENCH_POSTGRES ?? "postgres://postgres@127.0.0.1:5432";

/** What a Postgres figure holds when there was no Postgres to measure on. */
export interface Skipped {
	skipped: string;
}

/**
 * Runs `fn` on a fresh database `bench_w1p_<pid>` (the bench's own prefix), created here and dropped after.
 * When the server is not reachable, `fn` is not run and the reason is returned instead: the figure is
 * skipped, the run stays valid. Any other failure fails the run.
 */
export async function inFreshDatabase<T>(
	fn: (connectionString: string) => Promise<T>,
): Promise<T | Skipped> {
	const admin = new pg.Client({
		connectionString: `${PG_SERVER}/postgres`,
		connectionTimeoutMillis: 3000,
	});
	admin.on("error", () => {});
	try {
		await admin.connect();
	} catch (error) {
		await admin.end().catch(() => {});
		return {
			skipped: `no Postgres at ${PG_SERVER}: ${(error as Error).message}`,
		};
	}
	const name = `bench_w1p_${process.pid}`;
	try {
		await admin.query(`DROP DATABASE IF EXISTS ${name}`);
		await admin.query(`CREATE DATABASE ${name}`);
		try {
			return await fn(`${PG_SERVER}/${name}`);
		} finally {
			// a pool's end() can resolve before the server has seen its sessions go: wait for them (a forced
			// drop would end them with an error that a pool without a listener throws), force only a leak
			for (let i = 0; i < 100; i++) {
				const open = await admin.query(
					"SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
					[name],
				);
				if (open.rows[0].n === 0) break;
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		}
	} finally {
		await admin.end();
	}
}

/**
 * One connection with a small table, to time batches of round-trip commits: one autocommit INSERT of one
 * ≈ 150-byte row each, through a named (prepared) statement. W1p times one batch after each run of the
 * chain, so that the limit and the figure meet the same load on a shared machine.
 */
export async function commitFloor(connectionString: string) {
	const client = new pg.Client({ connectionString });
	await client.connect();
	try {
		await client.query(
			"CREATE TABLE commit_floor (id TEXT PRIMARY KEY, parent TEXT, seq INTEGER, data BYTEA)",
		);
	} catch (error) {
		await client.end();
		throw error;
	}
	const blob = Buffer.alloc(150, 7);
	let n = 0;
	// one statement outside a transaction block: Postgres commits it before it answers
	const once = () => {
		n++;
		return client.query({
			name: "commit_floor_insert",
			text: "INSERT INTO commit_floor VALUES ($1, $2, $3, $4)",
			values: [`c${n}`, `c${n - 1}`, n, blob],
		});
	};
	for (let i = 0; i < 50; i++) await once();
	return {
		/** µs per commit over a batch of `commits`. */
		async batch(commits: number): Promise<number> {
			gc();
			const t0 = now();
			for (let i = 0; i < commits; i++) await once();
			return ((now() - t0) * 1000) / commits;
		},
		close: () => client.end(),
	};
}
