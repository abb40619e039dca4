// The floor of a durable step on Postgres: one round-trip commit, an autocommit INSERT of one small row
// through a named (prepared) statement over one `pg` connection, measured on this machine; and the fresh
// database W1p runs in.
import pg from "pg";
import { gc, now } from "./measure.ts";
import { round } from "./stats.ts";

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
			await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		}
	} finally {
		await admin.end();
	}
}

/** µs per commit of one ≈ 150-byte row (the median of `rounds` batches of `commits`), in that database. */
export async function pgCommitUs(
	connectionString: string,
	commits = 200,
	rounds = 5,
): Promise<number> {
	const client = new pg.Client({ connectionString });
	await client.connect();
	try {
		await client.query(
			"CREATE TABLE commit_floor (id TEXT PRIMARY KEY, parent TEXT, seq INTEGER, data BYTEA)",
		);
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
		for (let i = 0; i < Math.min(commits, 50); i++) await once();
		const per: number[] = [];
		for (let r = 0; r < rounds; r++) {
			gc();
			const t0 = now();
			for (let i = 0; i < commits; i++) await once();
			per.push(((now() - t0) * 1000) / commits);
		}
		per.sort((a, b) => a - b);
		return round(per[Math.floor(per.length / 2)]!, 2);
	} finally {
		await client.end();
	}
}
