// MemoryCheckpointer's threads: their rows, statuses and leases, and how a thread reads for getThread.
import { headRows, type Namespace } from "./memory-rows.ts";
import type {
	Lease,
	StoredThreadStatus,
	ThreadInfo,
	ThreadLeaseState,
} from "./record.ts";
import { readStatus } from "./store-checks.ts";

export interface Thread {
	status: StoredThreadStatus;
	createdAt: string;
	updatedAt: string;
	namespaces: Map<string, Namespace>;
	/** The last `seq` given to a checkpoint of this thread. */
	seq: number;
	/** The last fencing token handed out (kept after a release, so tokens are never reused). */
	token: number;
	/** The current lease (also an expired one until taken over), null once released. */
	lease: { token: number; owner: string; expiresAt: number } | null;
}

/**
 * A store's threads. A thread made again under a deleted one's id hands out tokens above every token the
 * deleted threads did (decision 0040): a run still holding a deleted thread's lease can never match the
 * new thread's.
 */
export class Threads extends Map<string, Thread> {
	/** The highest token a deleted thread handed out. */
	#deletedTokens = 0;

	/** Makes and keeps a new thread (a first put, status or lease). */
	create(threadId: string, now: string, status: StoredThreadStatus): Thread {
		const thread: Thread = {
			status,
			createdAt: now,
			updatedAt: now,
			namespaces: new Map(),
			seq: 0,
			token: this.#deletedTokens,
			lease: null,
		};
		this.set(threadId, thread);
		return thread;
	}

	/** Deletes a thread, remembering the tokens it handed out. */
	remove(threadId: string): void {
		const thread = this.get(threadId);
		if (thread === undefined) return;
		if (thread.token > this.#deletedTokens) this.#deletedTokens = thread.token;
		this.delete(threadId);
	}
}

// the last two times formatted (a store's "now" and a lease's expiry, each the same for many calls within
// a millisecond): an ISO string costs ≈ 0.6 µs in Node 20 (perf, issue 17)
const isoMs = [Number.NaN, Number.NaN];
const isoText = ["", ""];
let isoNext = 0;

/** `new Date(ms).toISOString()`, remembered for the last two times. */
export function isoAt(ms: number): string {
	if (ms === isoMs[0]) return isoText[0]!;
	if (ms === isoMs[1]) return isoText[1]!;
	const text = new Date(ms).toISOString();
	isoMs[isoNext] = ms;
	isoText[isoNext] = text;
	isoNext ^= 1;
	return text;
}

export function leaseOf(threadId: string, thread: Thread): Lease | null {
	const held = thread.lease;
	if (held === null) return null;
	return {
		threadId,
		token: held.token,
		owner: held.owner,
		expiresAt: isoAt(held.expiresAt),
	};
}

/** A thread's status as read (`stale` for a running one without a live lease at `now`) and its lease. */
export function leaseStateOf(
	threadId: string,
	thread: Thread,
	now: number,
): ThreadLeaseState {
	return {
		status: readStatus(thread.status, thread.lease?.expiresAt, now),
		lease: leaseOf(threadId, thread),
	};
}

/** A thread as `getThread`/`listThreads` show it; `now` (ms) judges the lease. */
export function threadInfoOf(
	threadId: string,
	thread: Thread,
	now: number,
): ThreadInfo {
	const root = thread.namespaces.get("");
	const lastId = root?.order[root.order.length - 1];
	const last = lastId === undefined ? undefined : root?.rows.get(lastId);
	const { status, lease } = leaseStateOf(threadId, thread, now);
	return {
		threadId,
		status,
		createdAt: thread.createdAt,
		updatedAt: thread.updatedAt,
		checkpointId: lastId ?? null,
		step: last?.summary.step ?? -1,
		checkpoints: root?.rows.size ?? 0,
		heads:
			root === undefined
				? []
				: headRows(root).map((r) => r.summary.checkpointId),
		lease,
	};
}
