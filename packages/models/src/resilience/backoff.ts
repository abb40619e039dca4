/** Exponential backoff with jitter; a server's Retry-After wins when it asks for longer. */
export interface BackoffOptions {
	/** Retries on the same model after the first attempt. Default 2. */
	maxRetries?: number | undefined;
	/** Delay before the first retry. Default 500 ms. */
	initialDelayMs?: number | undefined;
	/** Growth per retry. Default 2. */
	factor?: number | undefined;
	/** Cap on a computed delay. Default 30 s. */
	maxDelayMs?: number | undefined;
	/** "full": random in [0, d]; "equal": d/2 + random in [0, d/2]; "none". Default "full". */
	jitter?: "full" | "equal" | "none" | undefined;
	/** A Retry-After longer than this is not waited for: the model is treated as exhausted. Default 60 s. */
	maxRetryAfterMs?: number | undefined;
}

/** The delay before retry number `retry` (1-based), or undefined when Retry-After asks for more than allowed. */
export function backoffDelay(
	retry: number,
	options: BackoffOptions,
	retryAfterMs?: number,
	random: () => number = Math.random,
): number | undefined {
	const initial = options.initialDelayMs ?? 500;
	const cap = options.maxDelayMs ?? 30_000;
	const base = Math.min(cap, initial * (options.factor ?? 2) ** (retry - 1));
	const jitter = options.jitter ?? "full";
	const computed =
		jitter === "none"
			? base
			: jitter === "equal"
				? base / 2 + random() * (base / 2)
				: random() * base;
	if (retryAfterMs === undefined) return Math.round(computed);
	if (waitsTooLong(retryAfterMs, options)) return undefined;
	return Math.round(Math.max(retryAfterMs, computed));
}

/** A Retry-After longer than `maxRetryAfterMs` (default 60 s): not waited for, the model counts as exhausted. */
export function waitsTooLong(
	retryAfterMs: number | undefined,
	options: BackoffOptions,
): boolean {
	return (
		retryAfterMs !== undefined &&
		retryAfterMs > (options.maxRetryAfterMs ?? 60_000)
	);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 && !signal?.aborted) return Promise.resolve();
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}
