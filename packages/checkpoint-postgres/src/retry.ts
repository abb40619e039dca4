import { CheckpointError, isWeftError } from "@weft/checkpoint";
import type pg from "pg";

/** A query on one client. */
export type Query = (
	text: string,
	values?: unknown[],
) => Promise<pg.QueryResult>;

const TRANSIENT_CODES = new Set([
	"ECONNRESET",
	"ECONNREFUSED",
	"EPIPE",
	"ETIMEDOUT",
	"57P01",
	"57P02",
	"57P03",
	"08000",
	"08003",
	"08006",
	"53300",
]);
const ATTEMPTS = 3;

function isTransient(error: unknown): boolean {
	const e = error as { code?: string; message?: string };
	return (
		(e.code !== undefined && TRANSIENT_CODES.has(e.code)) ||
		/Connection terminated|connection timeout/i.test(e.message ?? "")
	);
}

/**
 * Runs `fn` on a pooled client. Transient connection failures are retried with backoff when `retry` is
 * set (idempotent work only); an unreachable server ends as STORE_UNAVAILABLE.
 */
export async function withRetry<T>(
	pool: pg.Pool,
	fn: (q: Query) => Promise<T>,
	retry: boolean,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let client: pg.PoolClient | undefined;
		try {
			client = await pool.connect();
			const c = client;
			const result = await fn((text, values) => c.query(text, values));
			client.release();
			return result;
		} catch (error) {
			const transient = !isWeftError(error) && isTransient(error);
			client?.release(transient ? (error as Error) : undefined);
			if (transient && retry && attempt < ATTEMPTS) {
				await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
				continue;
			}
			if (transient) {
				throw new CheckpointError(
					"STORE_UNAVAILABLE",
					`Postgres did not answer: ${(error as Error).message}`,
					{
						hint: "check that the server runs and the connection string (host, port, user, database) is right",
						cause: error,
					},
				);
			}
			throw error;
		}
	}
}
