/** Thrown (privately) when the run's signal aborts while tasks run. */
export class CancelSignal {
	readonly reason: unknown;
	constructor(reason: unknown) {
		this.reason = reason;
	}
}

/**
 * Runs `fn` over the tasks of a step, at most `limit` at once, results in task order. Each task is started
 * once and awaited once: O(n) for n tasks. Rejects with `CancelSignal` as soon as `signal` aborts; the
 * tasks' code may still be running then, and `onAbandon` gets a promise that settles when it has.
 */
export async function executeTasks<T, R>(
	tasks: readonly T[],
	fn: (task: T) => Promise<R>,
	limit: number | undefined,
	signal: AbortSignal | undefined,
	onAbandon?: (settled: Promise<unknown>) => void,
): Promise<R[]> {
	const work =
		tasks.length === 1
			? fn(tasks[0]!).then((r) => [r])
			: runPool(tasks, fn, limit);
	if (signal === undefined) return work;
	if (signal.aborted) throw new CancelSignal(signal.reason);
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(new CancelSignal(signal.reason));
		signal.addEventListener("abort", onAbort, { once: true });
	});
	try {
		return await Promise.race([work, aborted]);
	} catch (error) {
		if (error instanceof CancelSignal) onAbandon?.(work.catch(() => {}));
		throw error;
	} finally {
		signal.removeEventListener("abort", onAbort!);
	}
}

async function runPool<T, R>(
	tasks: readonly T[],
	fn: (task: T) => Promise<R>,
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
