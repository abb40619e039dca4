import { CheckpointError } from "@weft/checkpoint";
import pg from "pg";
import { guardPool } from "./transactions.ts";

/**
 * The pool a checkpointer works on: the one given (`owned` false: close() leaves it open) or a new one;
 * either way every client gets an 'error' listener. Checks the schema name (it is quoted into SQL).
 */
export function openPool(options: {
	connectionString?: string | undefined;
	pool?: pg.Pool | undefined;
	schema?: string | undefined;
}): { pool: pg.Pool; owned: boolean; schema: string } {
	if (options.pool === undefined && options.connectionString === undefined) {
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			"PostgresCheckpointer needs a connectionString or a pool",
			{
				hint: 'pass { connectionString: "postgres://user@host:5432/db" } or { pool }',
			},
		);
	}
	const schema = options.schema ?? "weft";
	if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			`"${schema}" is not a usable schema name`,
			{ hint: "use letters, digits and underscores, starting with a letter" },
		);
	}
	const pool =
		options.pool ??
		new pg.Pool({ connectionString: options.connectionString, max: 10 });
	guardPool(pool);
	return { pool, owned: options.pool === undefined, schema };
}
