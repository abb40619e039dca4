// docs/checkpoints.md's "Your own backend", run by examples/test/custom-checkpointer.test.ts: a store that
// wraps another and counts the writes it makes (for a metrics dashboard), and passes the conformance suite.
// #region backend
import type {
	Checkpointer,
	ThreadLeaseState,
	ThreadRef,
} from "@weft/checkpoint";

/** Every call goes to `inner`; `writes` counts the checkpoints and pending writes stored. */
export class CountingCheckpointer implements Checkpointer {
	writes = 0;
	readonly #inner: Checkpointer;

	constructor(inner: Checkpointer) {
		this.#inner = inner;
	}

	put(...args: Parameters<Checkpointer["put"]>) {
		this.writes++;
		return this.#inner.put(...args);
	}
	putWrites(...args: Parameters<Checkpointer["putWrites"]>) {
		this.writes++;
		return this.#inner.putWrites(...args);
	}
	getTuple(ref: ThreadRef & { checkpointId?: string | undefined }) {
		return this.#inner.getTuple(ref);
	}
	getChain(...args: Parameters<Checkpointer["getChain"]>) {
		return this.#inner.getChain(...args);
	}
	list(...args: Parameters<Checkpointer["list"]>) {
		return this.#inner.list(...args);
	}
	heads(ref: ThreadRef) {
		return this.#inner.heads(ref);
	}
	setThreadStatus(...args: Parameters<Checkpointer["setThreadStatus"]>) {
		return this.#inner.setThreadStatus(...args);
	}
	getThread(threadId: string) {
		return this.#inner.getThread(threadId);
	}
	// optional: getThread's status and lease alone, for whoever only checks who runs a thread (a store
	// reads them from the thread's row; this one asks getThread); without it callers use getThread
	async getThreadLease(
		threadId: string,
	): Promise<ThreadLeaseState | undefined> {
		const info = await this.#inner.getThread(threadId);
		return info && { status: info.status, lease: info.lease };
	}
	listThreads(...args: Parameters<Checkpointer["listThreads"]>) {
		return this.#inner.listThreads(...args);
	}
	acquireLease(...args: Parameters<Checkpointer["acquireLease"]>) {
		return this.#inner.acquireLease(...args);
	}
	renewLease(...args: Parameters<Checkpointer["renewLease"]>) {
		return this.#inner.renewLease(...args);
	}
	releaseLease(...args: Parameters<Checkpointer["releaseLease"]>) {
		return this.#inner.releaseLease(...args);
	}
	deleteThread(threadId: string) {
		return this.#inner.deleteThread(threadId);
	}
	prune(...args: Parameters<Checkpointer["prune"]>) {
		return this.#inner.prune(...args);
	}
	async close() {
		await this.#inner.close?.();
	}
}
// #endregion backend
