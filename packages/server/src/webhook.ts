// A run created with `webhook` (decision 0224): once it has run and ended, its record (LangGraph's `Run`
// shape) with the values it ended with and its error is POSTed to that URL, as LangGraph's server does.
import type { RunRecord } from "./thread-registry.ts";
import { toRun } from "./wire-run.ts";
import { toWire } from "./wire-values.ts";

/** How long one delivery waits for the endpoint's answer. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** The pauses before the second and third attempts (after a network error, a 5xx or a 429). */
const RETRY_PAUSES_MS = [1_000, 4_000];

/** The body a webhook receives: the run, the values it ended with (`__error__` left out), its error. */
export function webhookBody(
	run: RunRecord,
	output: Record<string, unknown>,
): Record<string, unknown> {
	const { __error__: _error, ...values } = output;
	return {
		...toRun(run),
		values: toWire(values),
		error: run.error?.message ?? null,
		webhook_sent_at: new Date().toISOString(),
	};
}

/**
 * Sends a run's webhook in the background (the run's end never waits for it): up to three attempts, the
 * later ones after a network error, a 5xx or a 429. What could not be delivered is logged with `warn`.
 */
export function sendWebhook(
	url: string,
	run: RunRecord,
	output: Record<string, unknown>,
	warn: (message: string) => void = (m) => console.error(m),
): Promise<void> {
	const body = JSON.stringify(webhookBody(run, output));
	const attempt = async (n: number): Promise<void> => {
		let why: string;
		try {
			const res = await fetch(url, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body,
				signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
			});
			await res.body?.cancel();
			if (res.ok) return;
			why = `answered ${res.status}`;
			if (res.status < 500 && res.status !== 429) {
				warn(`weft server: run ${run.runId}'s webhook ${why}; not sent again`);
				return;
			}
		} catch (error) {
			why = `failed: ${error instanceof Error ? error.message : String(error)}`;
		}
		const pause = RETRY_PAUSES_MS[n];
		if (pause === undefined) {
			warn(
				`weft server: run ${run.runId}'s webhook ${why} ${n + 1} times; given up`,
			);
			return;
		}
		await new Promise((r) => setTimeout(r, pause).unref());
		return attempt(n + 1);
	};
	return attempt(0);
}

/**
 * Sends the webhook of a run that has run and ended, if it was created with one (in the background). `run`:
 * its record with its final status; its error and `updated_at` are taken from `output` and now.
 */
export function webhookOnEnd(
	url: string | undefined,
	run: RunRecord,
	output: Record<string, unknown>,
): void {
	if (url === undefined) return;
	const error = (output.__error__ as RunRecord["error"]) ?? run.error;
	void sendWebhook(
		url,
		{ ...run, error, updatedAt: new Date().toISOString() },
		output,
	);
}
