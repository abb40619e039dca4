import { ConfigError, validateId } from "@weft/checkpoint";
import type { RunConfig } from "./events.ts";
import { noThreadId } from "./run-errors.ts";

/**
 * Checks a run config before anything is read or written: ids are usable ids (`INVALID_ID`), numbers are
 * numbers (`CONFIG_INVALID`), and a graph with a checkpointer has a thread.
 */
export function checkRunConfig(config: RunConfig, durable: boolean): void {
	if (typeof config !== "object" || config === null)
		throw invalid("the run config must be an object", "pass { threadId: … }");
	if (config.threadId !== undefined) validateId(config.threadId, "thread id");
	else if (durable) throw noThreadId();
	if (config.checkpointId !== undefined)
		validateId(config.checkpointId, "checkpoint id");
	for (const key of ["recursionLimit", "maxConcurrency"] as const) {
		const value = config[key];
		if (value !== undefined && !(Number.isInteger(value) && value >= 1))
			throw invalid(
				`${key} must be a whole number of at least 1, not ${String(value)}`,
				`leave ${key} out for the default`,
			);
	}
	const wait = config.waitForLease;
	if (wait !== undefined && !(typeof wait === "number" && wait >= 0))
		throw invalid(
			`waitForLease must be a number of milliseconds, not ${String(wait)}`,
			"pass e.g. { waitForLease: 5000 }, or leave it out to refuse a busy thread at once",
		);
}

function invalid(message: string, hint: string): ConfigError {
	return new ConfigError("CONFIG_INVALID", message, { hint });
}
