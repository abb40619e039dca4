import { CheckpointError } from "./errors.ts";
import type { BlobPlace } from "./serializer.ts";
import { corruptCheckpoint } from "./store-errors.ts";

/** `checkpoint "c" of thread "t" (namespace "ns")`, for messages about a blob. */
export function describePlace(place: BlobPlace): string {
	const ns = place.ns === "" ? "" : ` (namespace "${place.ns}")`;
	return `checkpoint "${place.checkpointId}" of thread "${place.threadId}"${ns}`;
}

/**
 * The error for stored bytes that cannot be read as what Weft writes: `CORRUPT_CHECKPOINT` naming the
 * checkpoint when the store said where the blob lives, `DESERIALIZATION_FAILED` otherwise.
 */
export function unreadable(
	place: BlobPlace | undefined,
	what: string,
	cause?: unknown,
): CheckpointError {
	if (place !== undefined) return corruptCheckpoint(place, what, cause);
	return new CheckpointError(
		"DESERIALIZATION_FAILED",
		`stored data could not be read: ${what}`,
		{ hint: "the data is damaged or was written by another program", cause },
	);
}
