import type { CheckpointSummary } from "@weft/checkpoint";

/**
 * The serialized size of each checkpoint of a thread, oldest first: the record as stored plus its
 * metadata (as MemoryCheckpointer.storedBytes counts them).
 */
export async function checkpointSizes(
	store: { list(ref: { threadId: string }): AsyncIterable<CheckpointSummary> },
	threadId: string,
): Promise<number[]> {
	const sizes: number[] = [];
	for await (const s of store.list({ threadId }))
		sizes.push(s.size + JSON.stringify(s.metadata).length);
	return sizes.reverse();
}
