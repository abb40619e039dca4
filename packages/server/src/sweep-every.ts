import type { FailureLog } from "./failure-log.ts";

/** How often the server deletes what expired (threads, store items), besides once when it starts. */
export const SWEEP_INTERVAL_MS = 5_000;

/**
 * Runs `sweep` now and every `intervalMs` until the returned stop function is called (which waits for a
 * sweep in progress); a sweep still going at the next tick is not started twice. Each sweep's outcome
 * goes to `outcomes` (a failed one is tried again at the next tick).
 */
export function sweepEvery(
	sweep: () => Promise<unknown>,
	outcomes: FailureLog,
	intervalMs = SWEEP_INTERVAL_MS,
): () => Promise<void> {
	let running: Promise<void> | undefined;
	const tick = () => {
		running ??= sweep()
			.then(
				() => outcomes.succeeded(),
				(error: unknown) => outcomes.failed(error),
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
