import type {
	StoredThreadStatus,
	ThreadInfo,
	ThreadLeaseState,
} from "@weft/checkpoint";
import { readStatus } from "@weft/checkpoint";

/** A row of the threads query (statements.ts `threadsSql`). */
export interface ThreadRow {
	thread_id: string;
	status: StoredThreadStatus;
	created_at: string;
	updated_at: string;
	lease_token: number;
	lease_owner: string | null;
	lease_expires_at: number | null;
	checkpoint_id: string | null;
	step: number | null;
	checkpoints: number;
	/** JSON array of head ids, newest first. */
	heads: string;
}

/** The columns of a thread's own row that say who runs it. */
export type LeaseRow = Pick<
	ThreadRow,
	"thread_id" | "status" | "lease_token" | "lease_owner" | "lease_expires_at"
>;

/** The most ms from the epoch a Date holds. */
export const MAX_TIME = 8.64e15;

/**
 * A lease's expiry as stored, in ms since the epoch; one that is no time a Date holds (a damaged row: text,
 * bytes, a number out of range) reads as 0, a lapsed lease, never a RangeError nor a lease held for ever.
 * The threads query's `stale` filter reads it the same way (statements.ts `LAPSED`).
 */
export function leaseExpiry(stored: unknown): number {
	return typeof stored === "number" && Math.abs(stored) <= MAX_TIME
		? stored
		: 0;
}

/** A thread's status as read ("stale" for a running thread without a live lease) and its lease. */
export function threadLease(row: LeaseRow, now: number): ThreadLeaseState {
	const expires =
		row.lease_expires_at === null
			? undefined
			: leaseExpiry(row.lease_expires_at);
	return {
		status: readStatus(row.status, expires, now),
		lease:
			row.lease_owner === null
				? null
				: {
						threadId: row.thread_id,
						token: row.lease_token,
						owner: row.lease_owner,
						expiresAt: new Date(expires ?? 0).toISOString(),
					},
	};
}

/** A thread as read. `now` in ms since the epoch. */
export function threadInfo(row: ThreadRow, now: number): ThreadInfo {
	const { status, lease } = threadLease(row, now);
	return {
		threadId: row.thread_id,
		status,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		checkpointId: row.checkpoint_id,
		step: row.step ?? -1,
		checkpoints: row.checkpoints,
		heads: JSON.parse(row.heads) as string[],
		lease,
	};
}
