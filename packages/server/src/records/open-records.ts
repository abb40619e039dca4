import type { ServerRecords } from "./server-records.ts";

/** Thread and run records in a SQLite file (tables `weft_server_threads` and `weft_server_runs`). */
export async function openSqliteRecords(path: string): Promise<ServerRecords> {
	const { SqliteRecords } = await import("./sqlite-records.ts");
	return new SqliteRecords(path);
}

/** Thread and run records in Postgres (schema `weft_server`). */
export async function openPostgresRecords(
	connectionString: string,
): Promise<ServerRecords> {
	const { PostgresRecords } = await import("./postgres-records.ts");
	return PostgresRecords.connect(connectionString);
}
