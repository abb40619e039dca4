import type { Checkpointer } from "@weft/checkpoint";

/** Where the CLI reads and writes checkpoints. */
export interface StoreOptions {
	db?: string | undefined;
	postgres?: string | undefined;
}

/** Opens the store: a SQLite file (default ./weft.db) or, with --postgres, a Postgres database. */
export async function openStore(options: StoreOptions): Promise<Checkpointer> {
	if (options.postgres !== undefined) {
		const { PostgresCheckpointer } = await import("@weft/checkpoint-postgres");
		return PostgresCheckpointer.connect({ connectionString: options.postgres });
	}
	const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
	return new SqliteCheckpointer({ path: options.db ?? "weft.db" });
}
