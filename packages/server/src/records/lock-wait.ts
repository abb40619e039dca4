import { WeftError } from "@weft/checkpoint";

/**
 * How opening a server's records waits while another process serves the database the way it would (a
 * restart overlapping the old process's graceful shutdown; decisions 0111, 0138).
 */
export interface LockWaitOptions {
	/** How long to wait, in ms; 0 refuses at once. Past it, STORE_UNAVAILABLE. */
	lockWaitMs?: number | undefined;
	/** Told once when opening has to wait (to say so); default: nothing. */
	onLockWait?: ((message: string) => void) | undefined;
}

/** How long `weft dev` waits for another process serving its database (decisions 0111, 0138). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** A duration as the wait messages say it. */
export const seconds = (ms: number) =>
	ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;

/**
 * Tries `take` until it gives the lock or the wait (`lockWaitMs`, else `fallbackMs`) has passed, every
 * 250 ms, telling `onLockWait` once that it waits for `what`. Undefined when it never got it; the wait is
 * returned beside it for the refusal to name. A wait that is not a duration from 0 is CONFIG_INVALID.
 */
export async function waitForLock<T>(
	take: () => T | undefined | Promise<T | undefined>,
	options: LockWaitOptions,
	fallbackMs: number,
	what: string,
): Promise<{ lock: T | undefined; waitMs: number }> {
	const waitMs = options.lockWaitMs ?? fallbackMs;
	if (!Number.isFinite(waitMs) || waitMs < 0)
		throw new WeftError(
			"CONFIG_INVALID",
			`lockWaitMs ${waitMs} is not a duration`,
			{
				hint: "give milliseconds from 0 (0: refuse at once)",
			},
		);
	const until = Date.now() + waitMs;
	for (let told = false; ; ) {
		const lock = await take();
		if (lock !== undefined) return { lock, waitMs };
		const left = until - Date.now();
		if (left <= 0) return { lock: undefined, waitMs };
		if (!told) {
			told = true;
			options.onLockWait?.(
				`waiting for ${what} to end (up to ${seconds(waitMs)})`,
			);
		}
		await new Promise((r) => setTimeout(r, Math.min(250, left)));
	}
}
