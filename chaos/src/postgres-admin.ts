// The suite's Postgres: one database of its own per test file (`wt_chaos_…`), dropped afterwards.
import pg from "pg";
import {
	CONNECTION,
	postgresAvailable,
} from "../../packages/checkpoint-postgres/test/postgres.ts";

export { postgresAvailable };

/** The connection string of `database` on the test server. */
export function databaseUrl(database: string): string {
	const url = new URL(CONNECTION);
	url.pathname = `/${database}`;
	return url.toString();
}

/** Runs SQL on a database of the test server (default: the server's own "postgres" database). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
	text: string,
	params: unknown[] = [],
	database = "postgres",
): Promise<T[]> {
	const client = new pg.Client({
		connectionString: databaseUrl(database),
		connectionTimeoutMillis: 5000,
	});
	client.on("error", () => {});
	await client.connect();
	try {
		return (await client.query<T>(text, params)).rows;
	} finally {
		await client.end().catch(() => {});
	}
}

let counter = 0;

/** Creates an empty database `wt_chaos_<label>_<pid>_<n>` and returns its name. */
export async function createDatabase(label: string): Promise<string> {
	const name = `wt_chaos_${label}_${process.pid}_${counter++}`;
	await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	await sql(`CREATE DATABASE ${name}`);
	return name;
}

export async function dropDatabase(name: string): Promise<void> {
	await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Terminates every other connection to `database`; returns how many. */
export async function terminateConnections(database: string): Promise<number> {
	const rows = await sql<{ ok: boolean }>(
		"SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
		[database],
	);
	return rows.filter((r) => r.ok).length;
}
