import { invalidOption } from "./store-errors.ts";

/**
 * A Postgres connection string, checked before any connection (CONFIG_INVALID naming `who`): pg reads any
 * string as a URL relative to `postgres://base`, so "not a url" became a host "base" that failed later as
 * ENOTFOUND. Accepts only what pg reads as meant: a postgres URL, or a socket directory. Shared by the
 * Postgres checkpointer and store and the Postgres response cache (no pg import here).
 */
export function checkConnectionString(value: unknown, who: string): void {
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
