import type {
	AcquireLeaseOptions,
	Lease,
	StoredThreadStatus,
} from "@weft/checkpoint";
import { leaseLost, threadBusy } from "@weft/checkpoint";
import { leaseOf, type ThreadRow } from "./rows.ts";
import type { Statements } from "./statements.ts";
import type { Query } from "./transactions.ts";

type LeaseRow = Pick<
	ThreadRow,
	"lease_token" | "lease_owner" | "lease_expires"
>;

/**
 * The fencing check of a write, on the thread row its transaction has locked: with `fence`, the write
 * goes on only while that token is the thread's current, unreleased lease. (An expired lease nobody has
 * taken over still fences: its holder may go on until another runner takes the thread.)
 */
export function checkFence(
	threadId: string,
	row: LeaseRow | undefined,
	fence: number | undefined,
): void {
	if (fence === undefined) return;
	const token = row === undefined ? 0 : Number(row.lease_token);
	const owner = row?.lease_owner ?? null;
	if (token !== fence || owner === null)
		throw leaseLost(threadId, fence, owner === null ? null : token);
}

/**
 * Takes the thread's lease (one statement, which commits by itself: one round trip): creates the thread
 * row if needed, or takes the lease unless an unexpired one holds it (expiry by the server's clock).
 * `retried`: this runs again after a lost connection, and a lease of the same owner found live is the one
 * the first run took.
 */
export async function acquire(
	q: Query,
	st: Statements,
	threadId: string,
	options: AcquireLeaseOptions,
	retried: boolean,
): Promise<Lease> {
	for (let attempt = 1; ; attempt++) {
		const taken = (
			await q(st.acquireLease, [
				threadId,
				options.owner,
				options.ttlMs,
				new Date().toISOString(),
			])
		).rows[0] as LeaseRow | undefined;
		if (taken !== undefined) return leaseOf(threadId, taken)!;
		const row = (await q(st.leaseOf, [threadId])).rows[0] as
			| LeaseRow
			| undefined;
		const held = row === undefined ? null : leaseOf(threadId, row);
		if (held === null) {
			// its holder released it between the two statements: take it again (a few times: each needs
			// another runner to take and release the lease in between)
			if (attempt < MAX_TAKES) continue;
			throw threadBusy(threadId, {
				owner: "another runner",
				expiresAt: "its release",
			});
		}
		if (retried && held.owner === options.owner) return held;
		throw threadBusy(threadId, held);
	}
}

/** How often `acquire` tries a lease found released right after it was refused. */
const MAX_TAKES = 5;

export async function renew(
	q: Query,
	st: Statements,
	lease: Lease,
	ttlMs: number,
): Promise<Lease> {
	if (!Number.isSafeInteger(lease.token))
		throw leaseLost(lease.threadId, lease.token, null);
	const row = (await q(st.renewLease, [lease.threadId, lease.token, ttlMs]))
		.rows[0] as LeaseRow | undefined;
	if (row !== undefined) return leaseOf(lease.threadId, row)!;
	const now = (await q(st.leaseOf, [lease.threadId])).rows[0] as
		| LeaseRow
		| undefined;
	throw leaseLost(
		lease.threadId,
		lease.token,
		now?.lease_owner == null ? null : Number(now.lease_token),
	);
}

/**
 * Records the thread's `status` while `fence` is its current, unreleased lease (one statement, which commits
 * by itself); `LEASE_LOST` otherwise. A thread that already has the status is left as it is: nothing is
 * written (a run's thread is `running` from the moment its lease created it).
 */
export async function setStatusFenced(
	q: Query,
	st: Statements,
	threadId: string,
	status: StoredThreadStatus,
	fence: number,
): Promise<void> {
	const row = (
		await q(st.setStatusFenced, [
			threadId,
			status,
			new Date().toISOString(),
			fence,
		])
	).rows[0] as (LeaseRow & { status: string; moved: number }) | undefined;
	if (row?.moved === 1) return;
	// the lease as the statement found it: not this one, LEASE_LOST
	checkFence(threadId, row, fence);
	// current, and the status already recorded; a status that differs yet was not written means the row
	// changed under the statement (the lease was released or taken meanwhile)
	if (row!.status !== status) throw leaseLost(threadId, fence, null);
}

/**
 * Releases a current lease, recording `status`; false for a lease no longer current. One statement (and,
 * when `retried` and it changed nothing, one read): each commits by itself.
 */
export async function release(
	q: Query,
	st: Statements,
	lease: Lease,
	status: StoredThreadStatus | undefined,
	retried: boolean,
): Promise<boolean> {
	if (!Number.isSafeInteger(lease.token)) return false;
	const done = await q(st.releaseLease, [
		lease.threadId,
		lease.token,
		status ?? null,
		new Date().toISOString(),
	]);
	if ((done.rowCount ?? 0) > 0) return true;
	if (!retried) return false;
	// The first run may have committed before its connection broke: then the token is still the last one
	// taken, and nobody holds the lease.
	const now = (await q(st.leaseOf, [lease.threadId])).rows[0] as
		| LeaseRow
		| undefined;
	return Number(now?.lease_token) === lease.token && now?.lease_owner === null;
}
