import { hostname } from "node:os";
import { type Checkpointer, threadLeaseOf } from "@weft/checkpoint";

/** How long a cancelled run's nodes get to stop before the CLI gives their lease up itself. */
export const SETTLE_MS = 5_000;

/**
 * After Ctrl-C or SIGTERM: waits until the cancelled run has given its lease up, so the `weft continue`
 * its message suggests works at once. The graph releases the lease only when the cancelled step's
 * tasks settle (a node that ignores its signal keeps running); the process is about to exit and take
 * such a node with it, so after `ms` the lease is released here, by its token, with status `cancelled`.
 * Only a lease this process holds is touched. Returns true when it had to be released here.
 */
export async function settleCancelled(
	checkpointer: Checkpointer,
	threadId: string,
	ms = SETTLE_MS,
): Promise<boolean> {
	const ours = `${hostname()}:${process.pid}:`;
	const end = Date.now() + ms;
	for (;;) {
		const lease = (await threadLeaseOf(checkpointer, threadId))?.lease;
		if (lease === null || lease === undefined || !lease.owner.startsWith(ours))
			return false;
		if (Date.now() >= end)
			return checkpointer.releaseLease(lease, "cancelled").catch(() => false);
		await new Promise((r) => setTimeout(r, 50));
	}
}

let abandoned = false;

/**
 * Says that tasks deaf to their signal were given up (their leases released by `settleCancelled`): such a
 * task (a request that never answers) would keep the process alive, so it exits when its command ends.
 */
export function abandonTasks(): void {
	abandoned = true;
}

/** Whether a command gave up tasks that still run (`abandonTasks`). */
export function tasksAbandoned(): boolean {
	return abandoned;
}
