/** Waits `ms` (for ever when undefined), or rejects with the signal's reason once it aborts (at once if it has). */
export function sleep(
	ms: number | undefined,
	signal: AbortSignal | undefined,
): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const timer = ms === undefined ? undefined : setTimeout(done, ms);
		function done() {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}
		function onAbort() {
			if (timer !== undefined) clearTimeout(timer);
			reject(signal?.reason);
		}
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}
