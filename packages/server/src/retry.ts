/** How long a failed write to Postgres (a dropped connection, a restarting database) waits before each new try. */
const RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000];

/**
 * Runs `write`, and again after each delay while it fails; throws its last error when the delays are used
 * up. `superseded`, asked after each failure, ends the tries at once (nothing thrown): a newer write will
 * carry the change.
 */
export async function retried(
	write: () => Promise<void>,
	superseded: () => boolean = () => false,
): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await write();
		} catch (error) {
			if (superseded()) return;
			const delay = RETRY_DELAYS_MS[attempt];
			if (delay === undefined) throw error;
			await new Promise((r) => setTimeout(r, delay));
		}
	}
}
