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

/** A thread's status as read ("stale" for a running thread without a live lease) and its lease. */
export function threadLease(row: LeaseRow, now: number): ThreadLeaseState {
	return {
		status: readStatus(row.status, row.lease_expires_at ?? undefined, now),
		lease:
			row.lease_owner === null
				? null
				: {
						threadId: row.thread_id,
						token: row.lease_token,
						owner: row.lease_owner,
						expiresAt: new Date(row.lease_expires_at ?? 0).toISOString(),
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
