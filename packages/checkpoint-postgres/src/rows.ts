import type {
	ChainOptions,
	CheckpointSummary,
	Serializer,
	StoredCheckpoint,
} from "@weft/checkpoint";
import { checkpointNotFound } from "@weft/checkpoint";
import type { Query } from "./retry.ts";

/** A row of the checkpoints table (`data` only where selected). */
export interface Row {
	thread_id: string;
	ns: string;
	checkpoint_id: string;
	parent_id: string | null;
	step: number;
	source: CheckpointSummary["source"];
	created_at: string;
	metadata: CheckpointSummary["metadata"];
	size: number;
	data?: Buffer;
}

/** The summary columns, in `Row` order. */
export const SUMMARY =
	"thread_id, ns, checkpoint_id, parent_id, step, source, created_at, metadata, size";

export function summaryOf(row: Row): CheckpointSummary {
	return {
		threadId: row.thread_id,
		ns: row.ns,
		checkpointId: row.checkpoint_id,
		parentId: row.parent_id,
		step: row.step,
		source: row.source,
		createdAt: row.created_at,
		metadata: row.metadata,
		size: row.size,
	};
}

export function storedOf(row: Row, serializer: Serializer): StoredCheckpoint {
	return {
		...summaryOf(row),
		data: serializer.deserialize(row.data!) as StoredCheckpoint["data"],
	};
}

/** A checkpoint's chain back to the nearest snapshot (or `stopAt`), oldest first, in one recursive query. */
export async function readChain(
	q: Query,
	s: string,
	serializer: Serializer,
	key: { threadId: string; ns: string; from: string },
	options: ChainOptions = {},
): Promise<StoredCheckpoint[]> {
	const { threadId, ns, from } = key;
	const { rows } = await q(
		`WITH RECURSIVE chain AS (
		   SELECT ${SUMMARY}, has_snapshot, data, 0 AS depth FROM ${s}.checkpoints WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = $3
		   UNION ALL
		   SELECT c.thread_id, c.ns, c.checkpoint_id, c.parent_id, c.step, c.source, c.created_at, c.metadata, c.size, c.has_snapshot, c.data, chain.depth + 1
		   FROM ${s}.checkpoints c JOIN chain ON c.thread_id = chain.thread_id AND c.ns = chain.ns AND c.checkpoint_id = chain.parent_id
		   WHERE NOT chain.has_snapshot
		 ) SELECT * FROM chain ORDER BY depth`,
		[threadId, ns, from],
	);
	if (rows.length === 0) throw checkpointNotFound(threadId, ns, from);
	const chain: StoredCheckpoint[] = [];
	for (const row of rows as Row[]) {
		if (chain.length > 0 && options.stopAt?.(row.checkpoint_id) === true) break;
		chain.push(storedOf(row, serializer));
	}
	return chain.reverse();
}
