import type pg from "pg";
import {
	type Access,
	isConnectionLoss,
	isRetryable,
	storeError,
	unavailable,
} from "./store-errors.ts";

/** A query on one client. */
export type Query = (
	text: string,
	values?: unknown[],
) => Promise<pg.QueryResult>;

/** Transaction work: `retried` is true on the second run after the first lost its connection. */
export type Work<T> = (q: Query, retried: boolean) => Promise<T>;

const READ_ATTEMPTS = 3;
/**
 * How long Postgres lets a session of ours sit idle inside a transaction before it ends the session
 * (`idle_in_transaction_session_timeout`, set for each transaction). A transaction here is a few
 * statements sent back to back; a process paused between two of them (SIGSTOP, a frozen VM) would
 * otherwise hold the thread's row lock, and every other runner with it, until it woke (decision 0137).
 * When it wakes, its next statement finds the connection gone and runs as after any lost connection.
 */
const IDLE_IN_TRANSACTION_MS = 5000;
const SET_IDLE_LIMIT = `SET LOCAL idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS}`;
/**
 * Starts a transaction that Postgres ends, rolling it back, once its session has sat idle in it for 5 s
 * (decision 0137). One round trip, as `BEGIN` alone. Exported for @weft/server's own transactions on the
 * same database.
 */
export const BEGIN_BOUNDED = `BEGIN; ${SET_IDLE_LIMIT}`;
/** A write runs again once after a lost connection (its work must recognise its own committed result). */
const WRITE_ATTEMPTS = 2;

const quiet = new WeakSet<pg.ClientBase>();
const guarded = new WeakSet<pg.Pool>();
const ignore = () => {};

/**
 * Gives every client of the pool an 'error' listener: pg emits 'error' on a client whose backend dies
 * (e.g. `pg_terminate_backend` while a query waits on a lock), and an event nobody listens to ends the
 * process. The failing query still rejects, which is where the error is handled.
 */
export function guardPool(pool: pg.Pool): void {
	if (guarded.has(pool)) return; // a pool shared by several checkpointers
	guarded.add(pool);
	pool.on("error", ignore);
	pool.on("connect", guard);
}

function guard(client: pg.ClientBase): void {
	if (quiet.has(client)) return;
	quiet.add(client);
	client.on("error", ignore);
}

/**
 * Names for fixed statements (text → name): a named statement is parsed and planned once per connection
 * (decision 0063). Texts not in the map run unnamed.
 */
export type StatementNames = ReadonlyMap<string, string>;

/** Runs `fn` on a pooled client; a client whose connection failed is destroyed, not returned. */
async function onClient<T>(
	pool: pg.Pool,
	fn: (q: Query, spoil: () => void) => Promise<T>,
	names: StatementNames | undefined,
): Promise<T> {
	const client = await pool.connect();
	guard(client);
	let spoilt = false;
	try {
		const result = await fn(
			(text, values) => {
				const name = names?.get(text);
				return name === undefined || values === undefined
					? client.query(text, values)
					: client.query({ name, text, values });
			},
			() => {
				spoilt = true;
			},
		);
		client.release();
		return result;
	} catch (error) {
		// A client that lost its connection, or could not roll back, is destroyed rather than reused.
		const broken = spoilt || isConnectionLoss(error);
		client.release(broken ? (error as Error) : undefined);
		throw error;
	}
}

const pause = (attempt: number) =>
	new Promise((r) => setTimeout(r, 25 * 2 ** attempt));

/**
 * Runs reads (`snapshot`: in one read-only REPEATABLE READ transaction), or idempotent work that may run
 * again, retrying a lost connection with backoff. Every error comes out typed; `access` says whether `fn`
 * writes, so that a lost connection's error says nothing was written only when nothing could have been.
 */
export async function read<T>(
	pool: pg.Pool,
	fn: (q: Query) => Promise<T>,
	options: {
		access: Access;
		snapshot?: boolean | undefined;
		names?: StatementNames | undefined;
	},
): Promise<T> {
	const { access, snapshot = false, names } = options;
	const work = snapshot
		? (q: Query, spoil: () => void) =>
				inTransaction(
					q,
					spoil,
					`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${SET_IDLE_LIMIT}`,
					() => fn(q),
				)
		: fn;
	for (let attempt = 1; ; attempt++) {
		try {
			return await onClient(pool, work, names);
		} catch (error) {
			if (
				(isConnectionLoss(error) || isRetryable(error)) &&
				attempt < READ_ATTEMPTS
			) {
				await pause(attempt);
				continue;
			}
			throw storeError(error, access);
		}
	}
}

/**
 * Runs `work` in a transaction. A lost connection rolls it back (the server does), and the work runs once
 * more on a fresh connection with `retried` set: the commit may have reached the server before the
 * connection broke, so the work first looks for its own result. A deadlock or serialization failure
 * (certainly not committed) runs it again as well. Fails typed: STORE_UNAVAILABLE when the server stays
 * away.
 */
export async function transaction<T>(
	pool: pg.Pool,
	work: Work<T>,
	/** false: `work` is one statement that commits by itself (no BEGIN/COMMIT round trips). */
	wrap = true,
	names?: StatementNames,
): Promise<T> {
	let lost = false;
	for (let attempt = 1; ; attempt++) {
		try {
			return await onClient(
				pool,
				(q, spoil) =>
					wrap
						? inTransaction(q, spoil, BEGIN_BOUNDED, () => work(q, lost))
						: work(q, lost),
				names,
			);
		} catch (error) {
			const connection = isConnectionLoss(error);
			if ((connection || isRetryable(error)) && attempt < WRITE_ATTEMPTS) {
				lost ||= connection;
				await pause(attempt);
				continue;
			}
			throw connection
				? unavailable(error, "write")
				: storeError(error, "write");
		}
	}
}

async function inTransaction<T>(
	q: Query,
	spoil: () => void,
	begin: string,
	fn: () => Promise<T>,
): Promise<T> {
	await q(begin);
	try {
		const result = await fn();
		await q("COMMIT");
		return result;
	} catch (error) {
		// After a lost connection there is nothing to roll back (the server did); the client is destroyed.
		if (!isConnectionLoss(error)) await q("ROLLBACK").catch(spoil);
		throw error;
	}
}
