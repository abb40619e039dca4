import { type Checkpointer, type Lease, threadLeaseOf } from "@weft/checkpoint";

// A run's thread as the next runner finds it: whether the lease the last runner held still holds, and
// whether a run had written anything there.

/** Whether a thread's lease no longer holds: none, or past its expiry. */
export const leaseLapsed = (lease: Lease | null | undefined): boolean =>
	lease == null || Date.parse(lease.expiresAt) <= Date.now();

/**
 * Whether the thread has a checkpoint of its root graph, or with `runId` one written by that run (its
 * metadata's `run_id`): the newest such, by the store's order (without a run, an index lookup; `getThread`
 * would also count them and find the heads, which grows with the thread).
 */
export async function hasCheckpoint(
	checkpointer: Checkpointer,
	threadId: string,
	runId?: string,
): Promise<boolean> {
	for await (const _ of checkpointer.list(
		{ threadId },
		runId === undefined
			? { limit: 1 }
			: { filter: { run_id: runId }, limit: 1 },
	))
		return true;
	return false;
}

/**
 * Waits until the thread's lease is released or has expired; false when it is still held after `ms`
 * (a step that ignores its signal keeps it until it expires).
 */
export async function leaseReleased(
	checkpointer: Checkpointer,
	threadId: string,
	ms = 5000,
): Promise<boolean> {
	const until = Date.now() + ms;
	for (;;) {
		if (leaseLapsed((await threadLeaseOf(checkpointer, threadId))?.lease))
			return true;
		if (Date.now() >= until) return false;
		await new Promise((r) => setTimeout(r, 20));
	}
}
