/** How often a job that keeps failing says so again in the log: one line with the count. */
export const REMIND_EVERY_MS = 60_000;

/** Where a background job (a sweep, the records' writes) reports how each attempt went. */
export interface FailureLog {
	failed(error: unknown): void;
	succeeded(): void;
}

/** Options of `failureLog` (the clock and the log are given by tests). */
export interface FailureLogOptions {
	/** The process the log names first (`weft server`: the API; `weft worker`). */
	source?: "weft server" | "weft worker" | undefined;
	log?: ((...args: unknown[]) => void) | undefined;
	now?: (() => number) | undefined;
	remindEveryMs?: number | undefined;
}

/**
 * The log of one background job that runs again and again (every few seconds): during an outage
 * (Postgres away) its first failure is logged in full (the error with its hint, cause and stack), the
 * repeats are only counted, with a one-line reminder every `remindEveryMs`, and the first success after
 * them says in one line how many failures it ended. Without this an operator's log filled with the same
 * stack every 5 s. `what`: the job's failure as the log names it ("cannot delete expired store items").
 */
export function failureLog(
	what: string,
	{
		source = "weft server",
		log = (...args) => console.error(...args),
		now = Date.now,
		remindEveryMs = REMIND_EVERY_MS,
	}: FailureLogOptions = {},
): FailureLog {
	const prefix = `${source}: ${what}:`;
	let failures = 0;
	let loggedAt = 0;
	return {
		failed(error) {
			failures++;
			if (failures === 1) {
				loggedAt = now();
				log(prefix, error);
			} else if (now() - loggedAt >= remindEveryMs) {
				loggedAt = now();
				log(
					`${prefix} still failing (${counted(failures)}): ${messageOf(error)}`,
				);
			}
		},
		succeeded() {
			if (failures === 0) return;
			log(`${prefix} recovered after ${counted(failures)}`);
			failures = 0;
		},
	};
}

const messageOf = (error: unknown): string =>
	error instanceof Error ? error.message : String(error);

const counted = (failures: number): string =>
	failures === 1 ? "1 failure" : `${failures} failures`;
