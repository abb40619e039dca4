import type { LockWaitOptions } from "./lock-wait.ts";
import type { ServerRecords } from "./server-records.ts";
import type { SqliteRecordsOptions } from "./sqlite-records.ts";

/**
 * Thread and run records in a SQLite file (tables `weft_server_threads` and `weft_server_runs`), as
 * durable as the checkpointer's commits (`synchronous`, default "normal"). One process serves a file: while
 * another does, opening waits up to `lockWaitMs` (default 30 s), then STORE_UNAVAILABLE (decision 0111).
 */
export async function openSqliteRecords(
	path: string,
	options: SqliteRecordsOptions = {},
): Promise<ServerRecords> {
	const { SqliteRecords } = await import("./sqlite-records.ts");
	return SqliteRecords.open(path, options);
}

/**
 * Thread and run records in Postgres (schema `weft_server`). Serving them (`serve()`) refuses at once a
 * database another process serves the other way (decision 0106) unless `lockWaitMs` says how long to wait
 * for it to end (decision 0138).
 */
export async function openPostgresRecords(
	connectionString: string,
	options: LockWaitOptions = {},
): Promise<ServerRecords> {
	const { PostgresRecords } = await import("./postgres-records.ts");
	return PostgresRecords.connect(connectionString, undefined, options);
}
