import type {
	PruneOptions,
	Serializer,
	StoredCheckpoint,
} from "@weft/checkpoint";
import { keptIds } from "@weft/checkpoint";
import { cycle, gap, readChain } from "./chain.ts";
import { storedOf } from "./rows.ts";
import type { Statements } from "./statements.ts";

interface PlanRow {
	checkpoint_id: string;
	parent_id: string | null;
	has_snapshot: number;
	created_at: string;
}

type Key = { thread: string; ns: string };

/**
 * Prunes one namespace of a thread, inside the caller's write transaction: keep what `keepLast`/`keepSince`
 * select, every head (a checkpoint without successor) and every checkpoint with a pending interrupt; a
 * kept checkpoint whose chain reaches a removed one either keeps that whole chain (no `rebuild`) or, when
 * its parent goes, is given a snapshot (`rebuild`). The plan is made on ids, parents and snapshot flags
 * only; blobs are read just for the chains handed to `rebuild`. A damaged chain met while planning is
 * CORRUPT_CHECKPOINT, and the transaction rolls back.
 *
 * Unlike MemoryCheckpointer (which skips a chain whose oldest member is kept), a chain counts as intact
 * only when every member is kept: without `rebuild` the kept set grows while chains are walked, so an
 * oldest member may be kept for another chain while a middle one is not.
 * Returns how many checkpoints (with their pending writes) were removed.
 */
export function pruneNamespace(
	s: Statements,
	serializer: Serializer,
	key: Key,
	options: PruneOptions,
): number {
	const rows = s.planRows.all(key) as PlanRow[];
	const nodes = new Map(rows.map((r) => [r.checkpoint_id, r]));
	const order = rows.map((r) => r.checkpoint_id);
	const parents = new Set(rows.map((r) => r.parent_id));
	const always = order.filter((id) => !parents.has(id));
	always.push(...(s.interrupted.all(key) as string[]));
	const keep = keptIds(
		order,
		(id) => nodes.get(id)!.created_at,
		options,
		always.filter((id) => nodes.has(id)),
	);
	for (const id of [...keep]) {
		const chain = chainIds(nodes, key, id);
		if (chain.every((c) => keep.has(c))) continue;
		if (options.rebuild === undefined) {
			for (const c of chain) keep.add(c);
		} else if (!keep.has(chain[chain.length - 2]!)) {
			// The parent goes: this checkpoint gets its own snapshot. (A kept parent whose own chain is cut
			// is itself in `keep` and handled in its turn.)
			const full = readChain(s, { ...key, id }).map((r) =>
				storedOf(key.thread, key.ns, r, serializer),
			);
			setSnapshot(s, serializer, key, full, options.rebuild(full));
			nodes.get(id)!.has_snapshot = 1;
		}
	}
	const removed = order.filter((id) => !keep.has(id));
	if (removed.length > 0) {
		const ids = JSON.stringify(removed);
		s.deleteWrites.run({ ...key, ids });
		s.deleteCheckpoints.run({ ...key, ids });
	}
	return removed.length;
}

/** Ids from the nearest snapshot (or the root) to `id`, oldest first; bounded, damage is CORRUPT_CHECKPOINT. */
function chainIds(nodes: Map<string, PlanRow>, key: Key, id: string): string[] {
	const chain: string[] = [];
	let cur: string | null = id;
	let child = id;
	while (cur !== null) {
		const node = nodes.get(cur);
		if (node === undefined) throw gap(key, child, cur);
		if (chain.length >= nodes.size) throw cycle({ ...key, id });
		chain.push(cur);
		if (node.has_snapshot !== 0) break;
		child = cur;
		cur = node.parent_id;
	}
	return chain.reverse();
}

function setSnapshot(
	s: Statements,
	serializer: Serializer,
	key: Key,
	chain: StoredCheckpoint[],
	snapshot: Record<string, unknown>,
): void {
	const own = chain[chain.length - 1]!;
	const place = {
		threadId: key.thread,
		ns: key.ns,
		checkpointId: own.checkpointId,
	};
	const data = serializer.serialize({ ...own.data, snapshot }, place);
	s.setSnapshot.run({
		...key,
		id: own.checkpointId,
		data,
		size: data.byteLength,
		metadata: JSON.stringify({ ...own.metadata, snapshot: true }),
	});
}
