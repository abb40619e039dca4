/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
	readonly hint: string | undefined;
	constructor(message: string, hint?: string, cause?: unknown) {
		super(message, cause === undefined ? undefined : { cause });
		this.name = "UsageError";
		this.hint = hint;
	}
}

/** The thread named on the command line has no checkpoints in the store. */
export function noThread(threadId: string): UsageError {
	return new UsageError(
		`no thread "${threadId}" in this store`,
		"list threads with `weft threads` (or check --db / --postgres)",
	);
}

/** A positive whole number from an option, or a UsageError naming the option. */
export function positiveInt(
	value: string | undefined,
	option: string,
): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < 1)
		throw new UsageError(
			`${option} must be a whole number of 1 or more, got "${value}"`,
			`e.g. ${option} 20`,
		);
	return Number(value);
}

/** A TCP port from `--port` (0: any free one), or a UsageError. */
export function portOf(value: string, flag = "--port"): number {
	if (!/^\d+$/.test(value) || Number(value) > 65535)
		throw new UsageError(
			`${flag} must be a whole number from 0 to 65535, got "${value}"`,
			`e.g. ${flag} ${flag === "--port" ? "2024" : "8080"} (0 picks a free port)`,
		);
	return Number(value);
}

/** Exit codes: documented in docs/cli.md. */
export const EXIT = { ok: 0, error: 1, usage: 2, cancelled: 130 } as const;
