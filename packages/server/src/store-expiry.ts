import type { Store } from "@weft/checkpoint";
import { SWEEP_INTERVAL_MS } from "./thread-expiry.ts";

/**
 * Deletes the store's expired items (`store.sweep()`: their value, search text and vector) now and every
 * `SWEEP_INTERVAL_MS` until the returned stop function is called (which waits for a sweep in progress).
 * Reads never return an expired item, but without this its data stayed on disk for good. A failed sweep
 * is reported and tried again at the next tick.
 */
export function sweepStoreEvery(
	store: Store,
	onError: (error: unknown) => void,
	intervalMs = SWEEP_INTERVAL_MS,
): () => Promise<void> {
	let running: Promise<void> | undefined;
	const tick = () => {
		running ??= store
			.sweep()
			.then(
				() => {},
				(error: unknown) => onError(error),
			)
			.finally(() => {
				running = undefined;
			});
	};
	tick();
	const timer = setInterval(tick, intervalMs);
	timer.unref();
	return async () => {
		clearInterval(timer);
		await running;
	};
}
