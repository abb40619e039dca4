import type { AIMessageChunk } from "@langchain/core/messages";
import { ModelError } from "../errors.ts";
import { withTimeout } from "../resilience/with-timeout.ts";
import type { ModelEntry } from "../routing/model-entry.ts";
import type { ResolvedConfig } from "./resolved-config.ts";

/** How long a stream may go without a chunk after its first when no timeout is set at all. */
export const STREAM_IDLE_TIMEOUT_MS = 120_000;

/**
 * The longest wait for a stream's next chunk after its first: the entry's `streamIdleTimeoutMs`, the
 * router's, else the attempt's `timeoutMs` (the entry's, the router's), else `STREAM_IDLE_TIMEOUT_MS`.
 */
export function streamIdleMs(cfg: ResolvedConfig, entry: ModelEntry): number {
	return (
		entry.streamIdleTimeoutMs ??
		cfg.streamIdleTimeoutMs ??
		entry.timeoutMs ??
		cfg.timeoutMs ??
		STREAM_IDLE_TIMEOUT_MS
	);
}

/**
 * The stream's next chunk, or a MODEL_TIMEOUT when none comes within `ms` (the model's call is stopped
 * then, with that error as the reason). The wait starts when the reader asks for the chunk, so a slow
 * reader is not counted.
 */
export function nextWithin(
	rest: AsyncIterator<AIMessageChunk>,
	ms: number,
	stalled: { model: string; attempt: number; sent: number },
	stop: (reason: unknown) => void,
): Promise<IteratorResult<AIMessageChunk>> {
	return withTimeout(
		(signal) => {
			signal.addEventListener("abort", () => stop(signal.reason), {
				once: true,
			});
			return rest.next();
		},
		{
			timeoutMs: ms,
			model: stalled.model,
			timeoutError: () =>
				new ModelError(
					"MODEL_TIMEOUT",
					`model "${stalled.model}" sent no chunk for ${ms} ms after ${stalled.sent} streamed chunk(s)`,
					{
						model: stalled.model,
						attempts: [
							{
								model: stalled.model,
								attempt: stalled.attempt,
								kind: "timeout",
								status: undefined,
								message: `no chunk for ${ms} ms`,
							},
						],
						hint: `the stream stalled and its call was stopped (a stream that already sent chunks is not retried or sent to a fallback model: the caller has the partial answer); retry the call, or raise streamIdleTimeoutMs for this model (now ${ms} ms)`,
					},
				),
		},
	);
}
