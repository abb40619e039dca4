import { newestKeeper } from "./keep-shape.ts";
import { type RunSignal, signalOf } from "./lazy-signal.ts";

/** Thrown (privately) when the run's signal aborts while tasks run. */
export class CancelSignal {
	readonly reason: unknown;
	constructor(reason: unknown) {
		this.reason = reason;
	}
}

/** Subscribes (a callback) or unsubscribes (undefined) the one watcher of a signal's source directly. */
export type AbortSubscribe = (
	onAbort: ((reason: unknown) => void) | undefined,
) => void;

const keepAbortWatch = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * Watches a run's signal for all of its steps: one listener for the run instead of one per step (adding
 * and removing an `abort` listener and racing a promise cost ≈ 1–2 µs a step in Node 20, and a run with a
 * lease always has a signal). With `subscribe` (the signal is the run's lease's), the lease calls the
 * watch directly instead: no event listener at all (perf, issue 17). `dispose` unsubscribes when the run
 * ends.
 */
export class AbortWatch {
	readonly signal: RunSignal;
	readonly #subscribe: AbortSubscribe | undefined;
	#reject: ((reason: unknown) => void) | undefined;
	readonly #onAbort = () => {
		this.#reject?.(new CancelSignal(this.signal.reason));
	};

	constructor(signal: AbortSignal);
	constructor(signal: RunSignal, subscribe: AbortSubscribe);
	constructor(signal: RunSignal, subscribe?: AbortSubscribe) {
		keepAbortWatch(this);
		this.signal = signal;
		this.#subscribe = subscribe;
		if (subscribe !== undefined) subscribe(this.#onAbort);
		else
			signalOf(signal).addEventListener("abort", this.#onAbort, { once: true });
	}

	/** Settles as `work` does, or rejects with `CancelSignal` as soon as the signal aborts. */
	race<T>(work: Promise<T>): Promise<T> {
		if (this.signal.aborted)
			return Promise.reject(new CancelSignal(this.signal.reason));
		return new Promise<T>((resolve, reject) => {
			this.#reject = reject;
			work.then(resolve, reject);
		});
	}

	dispose(): void {
		if (this.#subscribe !== undefined) this.#subscribe(undefined);
		else signalOf(this.signal).removeEventListener("abort", this.#onAbort);
		this.#reject = undefined;
	}
}

/**
 * Runs `fn` over the tasks of a step, at most `limit` at once, results in task order. Each task is started
 * once and awaited once: O(n) for n tasks. Rejects with `CancelSignal` as soon as `watch`'s signal aborts;
 * the tasks' code may still be running then, and `onAbandon` gets a promise that settles when it has.
 * A single task that completes synchronously gives its result without a promise (perf, issue 17); the
 * signal is checked then as the race would have.
 */
export function executeTasks<T, R>(
	tasks: readonly T[],
	fn: (task: T) => R | Promise<R>,
	limit: number | undefined,
	watch: AbortWatch | undefined,
	onAbandon?: (settled: Promise<unknown>) => void,
): R[] | Promise<R[]> {
	let work: Promise<R[]>;
	if (tasks.length === 1) {
		const one = fn(tasks[0]!);
		if (!(one instanceof Promise)) {
			if (watch?.signal.aborted === true)
				throw new CancelSignal(watch.signal.reason);
			return [one];
		}
		work = one.then((r) => [r]);
	} else work = runPool(tasks, fn, limit);
	if (watch === undefined) return work;
	return watched(work, watch, onAbandon);
}

async function watched<R>(
	work: Promise<R[]>,
	watch: AbortWatch,
	onAbandon: ((settled: Promise<unknown>) => void) | undefined,
): Promise<R[]> {
	if (watch.signal.aborted) throw new CancelSignal(watch.signal.reason);
	try {
		return await watch.race(work);
	} catch (error) {
		if (error instanceof CancelSignal) onAbandon?.(work.catch(() => {}));
		throw error;
	}
}

async function runPool<T, R>(
	tasks: readonly T[],
	fn: (task: T) => R | Promise<R>,
	limit: number | undefined,
): Promise<R[]> {
	if (limit === undefined || limit >= tasks.length)
		return Promise.all(tasks.map(fn));
	const results = new Array<R>(tasks.length);
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const i = next++;
			results[i] = await fn(tasks[i]!);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
	return results;
}
