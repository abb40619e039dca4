import { ModelError } from "../errors.ts";

/**
 * Runs `fn` with a signal that aborts when `parent` aborts or after `timeoutMs`; rejects with a
 * MODEL_TIMEOUT ModelError on timeout (`timeoutError`'s, else one saying the model did not answer) even
 * if `fn` ignores its signal. The signal keeps following `parent` after `fn` settles, so a stream it
 * opened can still be cancelled by the caller.
 */
export async function withTimeout<T>(
	fn: (signal: AbortSignal) => Promise<T>,
	options: {
		timeoutMs?: number | undefined;
		signal?: AbortSignal | undefined;
		model: string;
		timeoutError?: ((timeoutMs: number) => ModelError) | undefined;
	},
): Promise<T> {
	const { signal: parent, timeoutMs } = options;
	if (parent?.aborted) throw parent.reason;
	const timeout = new AbortController();
	const signal =
		parent === undefined
			? timeout.signal
			: AbortSignal.any([parent, timeout.signal]);
	const aborted = new Promise<never>((_, reject) => {
		signal.addEventListener("abort", () => reject(signal.reason), {
			once: true,
		});
	});
	const timer =
		timeoutMs === undefined
			? undefined
			: setTimeout(() => {
					timeout.abort(
						options.timeoutError?.(timeoutMs) ??
							new ModelError(
								"MODEL_TIMEOUT",
								`model "${options.model}" did not answer within ${timeoutMs} ms`,
								{
									model: options.model,
									hint: "raise timeoutMs for this model, or let the chain fall back",
								},
							),
					);
				}, timeoutMs);
	const work = fn(signal);
	// The loser of the race must not surface as an unhandled rejection.
	work.catch(() => {});
	aborted.catch(() => {});
	try {
		return await Promise.race([work, aborted]);
	} finally {
		if (timer !== undefined) clearTimeout(timer);
	}
}
