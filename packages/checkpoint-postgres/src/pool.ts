import { invalidOption } from "@weft/checkpoint";
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

/**
 * pg reads any string as a URL relative to `postgres://base`, so "not a url" became a host "base" that
 * failed later as ENOTFOUND: accept only what it reads as meant (a postgres URL, a socket directory).
 */
function checkConnectionString(value: unknown, who: string): void {
	const hint = `pass a URL such as "postgres://user:password@host:5432/db" (percent-encode special characters in the password), or a socket directory ("/var/run/postgresql db")`;
	if (typeof value !== "string" || value === "")
		throw invalidOption(
			`${who}: connectionString must be a non-empty string, not ${typeof value === "string" ? '""' : typeof value}`,
			hint,
		);
	if (value.startsWith("/")) return;
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {
		url = undefined;
	}
	if (
		url === undefined ||
		!["postgres:", "postgresql:", "socket:"].includes(url.protocol)
	)
		throw invalidOption(
			`${who}: connectionString ${shown(value, url)} is not a valid postgres:// URL`,
			hint,
		);
}

/** The connection string for a message: never its credentials (only its scheme when it has some). */
function shown(value: string, url: URL | undefined): string {
	if (!value.includes("@")) return JSON.stringify(value);
	return url === undefined
		? "(not shown: it holds credentials)"
		: `with scheme "${url.protocol}"`;
}
