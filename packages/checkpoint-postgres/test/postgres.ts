import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";

/**
 * The test server: 127.0.0.1:5432, user postgres, database test (override with WEFT_TEST_POSTGRES, e.g. a
 * database of your own: `CREATE DATABASE wt_me_tests`).
 */
export const CONNECTION =
	process.env.WEFT_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/test";

/** True when the server answers. In CI it must: there a missing server fails the tests instead of skipping. */
export async function postgresAvailable(): Promise<boolean> {
	if (process.env.CI === "true") return true;
	const client = new pg.Client({
		connectionString: CONNECTION,
		connectionTimeoutMillis: 2000,
	});
	client.on("error", () => {});
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
export async function admin(sql: string, values?: unknown[]): Promise<void> {
	await rows(sql, values);
}

/** Runs SQL as the superuser and returns its rows. */
export async function rows(
	sql: string,
	values?: unknown[],
): Promise<Record<string, unknown>[]> {
	const client = new pg.Client({ connectionString: CONNECTION });
	client.on("error", () => {});
	await client.connect();
	try {
		return (await client.query(sql, values)).rows;
	} finally {
		await client.end();
	}
}

/** A checkpointer on a schema of its own; `drop()` closes it and removes the schema. */
export async function freshCheckpointer(
	options: Partial<Parameters<typeof PostgresCheckpointer.connect>[0]> = {},
): Promise<{
	cp: PostgresCheckpointer;
	schema: string;
	drop: () => Promise<void>;
}> {
	const schema = options.schema ?? freshSchema();
	const cp = await PostgresCheckpointer.connect({
		connectionString: CONNECTION,
		...options,
		schema,
	});
	return {
		cp,
		schema,
		drop: async () => {
			await cp.close();
			await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
		},
	};
}

export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const x of it) out.push(x);
	return out;
}
