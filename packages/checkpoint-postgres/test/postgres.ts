import pg from "pg";

/** The test server: 127.0.0.1:5432, user postgres, database test (override with WEFT_TEST_POSTGRES). */
export const CONNECTION =
	process.env.WEFT_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/test";

/** True when the server answers. In CI it must: there a missing server fails the tests instead of skipping. */
export async function postgresAvailable(): Promise<boolean> {
	if (process.env.CI === "true") return true;
	const client = new pg.Client({
		connectionString: CONNECTION,
		connectionTimeoutMillis: 2000,
	});
	try {
		await client.connect();
		await client.end();
		return true;
	} catch {
		process.stderr.write(
			`notice: no Postgres at ${CONNECTION}: Postgres tests skipped (they run in CI)\n`,
		);
		return false;
	}
}

let counter = 0;
/** A schema name no other test uses. */
export function freshSchema(): string {
	return `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

/** Runs SQL as the superuser. */
export async function admin(sql: string): Promise<void> {
	const client = new pg.Client({ connectionString: CONNECTION });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}
