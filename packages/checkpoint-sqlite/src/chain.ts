import { corruptCheckpoint } from "@weft/checkpoint";
import type { DataRow } from "./rows.ts";
import type { Statements } from "./statements.ts";
import { notFound } from "./store-errors.ts";

type Key = { thread: string; ns: string; id: string };

/**
 * A checkpoint's chain back to the nearest snapshot, oldest first, in one bounded recursive query: a
 * walk longer than the thread has checkpoints is a parent cycle, and a chain whose oldest row is neither
 * a snapshot nor a root has lost a parent. Both are CORRUPT_CHECKPOINT. Run inside a read transaction.
 */
export function readChain(s: Statements, key: Key): DataRow[] {
	const limit = s.chainLimit.get(key) as number;
	const rows = s.chain.all({ ...key, limit }) as DataRow[];
	const oldest = rows[0];
	if (oldest === undefined) throw notFound(key.thread, key.ns, key.id);
	if (rows.length > limit) throw cycle(key);
	if (oldest.has_snapshot === 0 && oldest.parent_id !== null)
		throw gap(key, oldest.checkpoint_id, oldest.parent_id);
	return rows;
}

/**
 * The same walk by point lookups, newest first, asking `stopAt` before each parent (so a blob past the stop
 * is never read); returns it oldest first.
 */
export function readChainUntil(
	s: Statements,
	key: Key,
	stopAt: (id: string) => boolean,
): DataRow[] {
	const rows: DataRow[] = [];
	const seen = new Set<string>();
	let id: string | null = key.id;
	let child = key.id;
	while (id !== null) {
		if (rows.length > 0 && stopAt(id)) break;
		if (seen.has(id)) throw cycle(key);
		seen.add(id);
		const row = s.row.get({ ...key, id }) as DataRow | undefined;
		if (row === undefined) {
			if (rows.length === 0) throw notFound(key.thread, key.ns, id);
			throw gap(key, child, id);
		}
		rows.push(row);
		if (row.has_snapshot !== 0) break;
		child = id;
		id = row.parent_id;
	}
	return rows.reverse();
}

export function cycle(key: Key) {
	return corruptCheckpoint(
		{ threadId: key.thread, ns: key.ns, checkpointId: key.id },
		"its parent chain has a cycle",
	);
}

export function gap(
	key: { thread: string; ns: string },
	checkpointId: string,
	parentId: string,
) {
	return corruptCheckpoint(
		{ threadId: key.thread, ns: key.ns, checkpointId },
		`its parent "${parentId}" is missing (a gap in the chain)`,
	);
}
