// A run created with `after_seconds` (decision 0216): recorded `pending` at once, with `created_at` the
// time it may start, as LangGraph's server reports it; started no earlier than that.

/** The longest `after_seconds` a run is created with: 365 days. A longer one is refused (422). */
export const MAX_AFTER_SECONDS = 365 * 24 * 60 * 60;

/** The longest one timer waits: Node fires a `setTimeout` past 2^31 − 1 ms at once. A longer wait re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When a run asked now with `after_seconds` may start (its `created_at`); undefined without one, or for 0:
 * the run starts now, as any other.
 */
export function startTimeOf(
	afterSeconds: number | undefined,
	now = Date.now(),
): Date | undefined {
	return afterSeconds
		? new Date(now + Math.round(afterSeconds * 1000))
		: undefined;
}

/** Whether a run recorded with this `created_at` may not start yet. */
export function delayed(createdAt: string, now = Date.now()): boolean {
	return Date.parse(createdAt) > now;
}

/**
 * Resolves at `time` (ms since the epoch), or as soon as `signal` aborts (never rejects). A wait longer
 * than one timer holds is made of several. The timers keep no process alive.
 */
export function sleepUntil(time: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		let timer: NodeJS.Timeout | undefined;
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener("abort", done);
			resolve();
		};
		const arm = () => {
			const left = time - Date.now();
			if (left <= 0 || signal.aborted) return done();
			timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS)).unref();
		};
		signal.addEventListener("abort", done, { once: true });
		arm();
	});
}
