import { CheckpointError, isWeftError, type WeftError } from "@weft/checkpoint";

// The errors every store shares come from @weft/checkpoint (store-errors.ts); these are Postgres's own.

/**
 * SQLSTATEs and socket codes after which the connection (or the server) is gone, not the statement wrong;
 * with class 08 (connection exception, by prefix).
 */
const CONNECTION_CODES = new Set([
	"ECONNRESET",
	"ECONNREFUSED",
	"EPIPE",
	"ETIMEDOUT",
	"EHOSTUNREACH",
	"ENOTFOUND",
	"57P01", // admin_shutdown: pg_terminate_backend, a server shutdown
	"57P02",
	"57P03",
	"25P03", // idle_in_transaction_session_timeout: the session was ended while idle in a transaction
	"53300", // too_many_connections
]);
/** SQLSTATEs after which the transaction certainly did not commit and may run again. */
const RETRY_CODES = new Set(["40001", "40P01"]);
/**
 * What pg and pg-pool say when the connection went away under a query (some name the socket's code), and
 * what Postgres answers a new connection to a database that refuses them for now (`ALLOW_CONNECTIONS
 * false` during a maintenance or failover: SQLSTATE 55000, which statements raise for other reasons too).
 */
const CONNECTION_MESSAGES =
	/Connection terminated|connection timeout|not queryable|timeout exceeded when trying to connect|Client was closed|socket hang up|ECONNRESET|EPIPE|is not currently accepting connections/i;

function codeOf(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * A pg driver error saying the connection or the server went away (the statement itself may or may not
 * have run), not that the statement was wrong. Exported for @weft/server, which talks to the same
 * database through the same driver (decision 0147).
 */
export function isConnectionLoss(error: unknown): boolean {
	if (isWeftError(error)) return false;
	const code = codeOf(error);
	return (
		(code !== undefined &&
			(CONNECTION_CODES.has(code) || code.startsWith("08"))) ||
		// a database refusing connections, in any server language (its message is matched below too)
		(code === "55000" &&
			(error as { routine?: unknown }).routine === "CheckMyDatabase") ||
		CONNECTION_MESSAGES.test(messageOf(error))
	);
}

/** A serialization failure or deadlock: the transaction was rolled back and may simply run again. */
export function isRetryable(error: unknown): boolean {
	const code = codeOf(error);
	return !isWeftError(error) && code !== undefined && RETRY_CODES.has(code);
}

/**
 * What the work that failed did: a read wrote nothing, whatever became of its connection; work that writes
 * may have committed before its connection broke.
 */
export type Access = "read" | "write";

/** The server went away under `access` work (or never answered it). */
export function unavailable(error: unknown, access: Access): CheckpointError {
	return new CheckpointError(
		"STORE_UNAVAILABLE",
		`Postgres did not answer: ${messageOf(error)}`,
		{
			hint: `check that the server runs and the connection string (host, port, user, database) is right; ${
				access === "read"
					? "this was a read: nothing was written, so it is safe to run it again"
					: "a write that failed this way may or may not have been committed, so read the thread before running it again"
			}`,
			cause: error,
		},
	);
}

export function closed(): CheckpointError {
	return new CheckpointError(
		"STORE_UNAVAILABLE",
		"this PostgresCheckpointer is closed",
		{ hint: "connect a new one, or stop using this one after close()" },
	);
}

/**
 * Turns any error out of the driver into a typed one: a WeftError passes through, a lost connection is
 * STORE_UNAVAILABLE (its hint says whether `access` work may have written), a value the server refuses (a
 * byte sequence, a too-large row) is SERIALIZATION_FAILED, and anything else STORE_UNAVAILABLE with the
 * server's message.
 */
export function storeError(error: unknown, access: Access): WeftError {
	if (isWeftError(error)) return error;
	if (isConnectionLoss(error)) return unavailable(error, access);
	const code = codeOf(error) ?? "";
	if (code.startsWith("22") || code === "54000") {
		return new CheckpointError(
			"SERIALIZATION_FAILED",
			`Postgres refused a value: ${messageOf(error)}`,
			{
				hint: "ids and metadata must be well-formed text without NUL characters, and of a reasonable size",
				cause: error,
			},
		);
	}
	return new CheckpointError(
		"STORE_UNAVAILABLE",
		`Postgres failed: ${messageOf(error)}`,
		{
			hint:
				code === "42P01" || code === "42703"
					? "the schema is missing Weft's tables or columns: run setup() with a role allowed to create them"
					: code === "42501"
						? "the role lacks a privilege on Weft's schema: grant SELECT, INSERT, UPDATE, DELETE on its tables"
						: code.startsWith("28")
							? "the server refused the login: check the user and password in the connection string (and the server's pg_hba.conf for this host)"
							: code === "3D000"
								? "there is no such database on that server: check the name at the end of the connection string, or create it (createdb <name>)"
								: "the server's own message is above; the cause holds its error code",
			cause: error,
		},
	);
}
