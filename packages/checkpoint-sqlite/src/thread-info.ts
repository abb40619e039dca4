import type { Lease, StoredThreadStatus, ThreadInfo } from "@weft/checkpoint";
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

/** A thread as read: "stale" for a running thread without a live lease. `now` in ms since the epoch. */
export function threadInfo(row: ThreadRow, now: number): ThreadInfo {
	const lease: Lease | null =
		row.lease_owner === null
			? null
			: {
					threadId: row.thread_id,
					token: row.lease_token,
					owner: row.lease_owner,
					expiresAt: new Date(row.lease_expires_at ?? 0).toISOString(),
				};
	return {
		threadId: row.thread_id,
		status: readStatus(row.status, row.lease_expires_at ?? undefined, now),
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		checkpointId: row.checkpoint_id,
		step: row.step ?? -1,
		checkpoints: row.checkpoints,
		heads: JSON.parse(row.heads) as string[],
		lease,
	};
}
