import {
	type Checkpointer,
	type CheckpointSummary,
	corruptCheckpointOf,
} from "@weft/checkpoint";

/** A checkpoint of the thread whose row could not be read (`CORRUPT_CHECKPOINT`), and why. */
export interface DamagedCheckpoint {
	checkpointId: string;
	error: string;
}

/**
 * A thread's checkpoint summaries, newest first, as `checkpointer.list` gives them, going on past a row
 * that cannot be read: the listing starts again before it (the store's `before`), and `damaged` is told
 * of it. So a damaged checkpoint never hides the ones before it, from which a run can go on. Any other
 * error (and a damaged row of another thread or namespace) is thrown.
 */
export async function* readableSummaries(
	checkpointer: Checkpointer,
	threadId: string,
	damaged: (d: DamagedCheckpoint) => void = () => {},
): AsyncGenerator<CheckpointSummary> {
	const seen = new Set<string>();
	let before: string | undefined;
	for (;;) {
		try {
			for await (const s of checkpointer.list(
				{ threadId },
				before === undefined ? undefined : { before },
			))
				yield s;
			return;
		} catch (error) {
			const place = corruptCheckpointOf(error);
			if (
				place === undefined ||
				place.threadId !== threadId ||
				place.ns !== "" ||
				seen.has(place.checkpointId)
			)
				throw error;
			seen.add(place.checkpointId);
			damaged({
				checkpointId: place.checkpointId,
				error: (error as Error).message,
			});
			before = place.checkpointId;
		}
	}
}
