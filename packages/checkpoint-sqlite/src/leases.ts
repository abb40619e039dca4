import { leaseLost, threadBusy } from "@weft/checkpoint";
import type { Statements } from "./statements.ts";
import { leaseExpiry } from "./thread-info.ts";

/** The lease columns of a thread row. */
export interface LeaseRow {
	lease_token: number;
	lease_owner: string | null;
	lease_expires_at: number | null;
}

/** Refuses (LEASE_LOST) unless `fence` is the thread's current lease token; inside the write transaction. */
export function checkFence(
	s: Statements,
	threadId: string,
	fence: number | undefined,
): void {
	if (fence === undefined) return;
	checkFenceOf(threadId, s.lease.get(threadId) as LeaseRow | undefined, fence);
}

/** The same check on a thread row already read in the transaction (`undefined`: the thread has none). */
export function checkFenceOf(
	threadId: string,
	row: LeaseRow | undefined,
	fence: number | undefined,
): void {
	if (fence === undefined) return;
	const current =
		row === undefined || row.lease_owner === null ? null : row.lease_token;
	if (current !== fence) throw leaseLost(threadId, fence, current);
}

/** Takes the lease with the next token, or refuses with THREAD_BUSY while an unexpired one holds it. */
export function acquire(
	s: Statements,
	threadId: string,
	owner: string,
	ttlMs: number,
	now: number,
): LeaseRow {
	const row = s.lease.get(threadId) as LeaseRow | undefined;
	const held =
		row?.lease_owner == null || row.lease_expires_at === null
			? 0
			: leaseExpiry(row.lease_expires_at);
	if (held > now)
		throw threadBusy(threadId, {
			owner: row!.lease_owner!,
			expiresAt: new Date(held).toISOString(),
		});
	const expires = now + ttlMs;
	if (row === undefined) {
		const token = s.insertLeased.get({
			thread: threadId,
			owner,
			expires,
			now: new Date(now).toISOString(),
		}) as number;
		return {
			lease_token: token,
			lease_owner: owner,
			lease_expires_at: expires,
		};
	}
	const token = s.takeLease.get({ thread: threadId, owner, expires }) as number;
	return { lease_token: token, lease_owner: owner, lease_expires_at: expires };
}
