import {
	type Checkpointer,
	type CheckpointSummary,
	checkFilter,
	type ListOptions,
	matchesFilter,
} from "@weft/checkpoint";

/**
 * The summaries of a checkpoint and its ancestors (its branch back to the first checkpoint), newest first,
 * with `before`, `filter` and `limit` applied along it. The store lists the whole namespace newest first
 * (without data) and a parent always has a lower `seq` than its child, so one pass finds the branch; the
 * options are applied here, as a filtered or bounded listing could leave out an ancestor the walk needs.
 */
export async function* branchListing(
	checkpointer: Checkpointer,
	threadId: string,
	checkpointId: string,
	options: ListOptions,
): AsyncGenerator<CheckpointSummary> {
	const filter = checkFilter(options.filter);
	const { before, limit } = options;
	// `before`: only checkpoints listed after it (lower seq)
	let pastBefore = before === undefined;
	let want: string | null = checkpointId;
	let count = 0;
	for await (const s of checkpointer.list({ threadId })) {
		const isBefore = s.checkpointId === before;
		if (s.checkpointId === want) {
			want = s.parentId;
			if (
				pastBefore &&
				!isBefore &&
				(filter === undefined || matchesFilter(s.metadata, filter))
			) {
				yield s;
				if (limit !== undefined && ++count >= limit) return;
			}
			if (want === null) return;
		}
		if (isBefore) pastBefore = true;
	}
}
