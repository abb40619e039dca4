import { checkConnectionString, invalidOption } from "@weft/checkpoint";
import pg from "pg";
import { guardPool } from "./transactions.ts";

/**
 * The pool a checkpointer works on: the one given (`owned` false: close() leaves it open) or a new one;
 * either way every client gets an 'error' listener. Checks the schema name (it is quoted into SQL).
 */
export function openPool(
	options: {
		connectionString?: string | undefined;
		pool?: pg.Pool | undefined;
		schema?: string | undefined;
	},
	who = "PostgresCheckpointer",
): { pool: pg.Pool; owned: boolean; schema: string } {
	const o = checkOptions(options, who);
	const schema = o.schema ?? "weft";
	const pool =
		o.pool ?? new pg.Pool({ connectionString: o.connectionString, max: 10 });
	guardPool(pool);
	return { pool, owned: o.pool === undefined, schema };
}

/** The options a pool is made from, checked before any connection (CONFIG_INVALID naming the option). */
function checkOptions(
	options: unknown,
	who: string,
): {
	connectionString?: string | undefined;
	pool?: pg.Pool | undefined;
	schema?: string | undefined;
} {
	const CONNECT = `${who}.connect({ connectionString: "postgres://user@host:5432/db" })`;
	if (typeof options !== "object" || options === null)
		throw invalidOption(
			`${who} needs options with a connectionString or a pool`,
			`pass ${CONNECT}, or { pool }`,
		);
	const o = options as Record<string, unknown>;
	if (o.pool !== undefined) {
		const pool = o.pool as { query?: unknown; connect?: unknown } | null;
		if (
			typeof pool !== "object" ||
			pool === null ||
			typeof pool.query !== "function" ||
			typeof pool.connect !== "function"
		)
			throw invalidOption(
				`${who}: pool must be a pg.Pool`,
				`pass a pg.Pool you own, or ${CONNECT}`,
			);
	} else if (o.connectionString === undefined)
		throw invalidOption(
			`${who} needs a connectionString or a pool`,
			`pass ${CONNECT}, or { pool }`,
		);
	else checkConnectionString(o.connectionString, who);
	if (o.schema !== undefined) {
		if (typeof o.schema !== "string")
			throw invalidOption(
				`${who}: schema must be a string, not ${typeof o.schema}`,
				'leave it out for "weft", or pass a name of letters, digits and underscores',
			);
		if (!SCHEMA.test(o.schema))
			throw invalidOption(
				`${who}: "${o.schema}" is not a usable schema name`,
				"use letters, digits and underscores (at most 63), starting with a letter or an underscore",
			);
		// Postgres keeps names starting pg_ for its own schemas (pg_catalog, pg_toast, …)
		if (/^pg_/i.test(o.schema))
			throw invalidOption(
				`${who}: "${o.schema}" is a name Postgres keeps for its own schemas`,
				'leave it out for "weft", or pass a name that does not start with pg_',
			);
	}
	return o as ReturnType<typeof checkOptions>;
}

const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
