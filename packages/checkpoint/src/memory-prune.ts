import type { PruneOptions } from "./checkpointer.ts";
import { checkPruneOptions, keptIds } from "./match-filter.ts";
import { headRows, type Row, walkChain } from "./memory-rows.ts";
import type { Thread } from "./memory-threads.ts";
import type { StoredCheckpoint } from "./record.ts";
import type { BlobPlace } from "./serializer.ts";

export interface PruneAccess {
	stored(row: Row): StoredCheckpoint;
	withSnapshot(
		row: Row,
		place: BlobPlace,
		snapshot: Record<string, unknown>,
	): void;
}

/**
 * Prunes every namespace of a MemoryCheckpointer thread. Heads and checkpoints with a pending
 * interrupt are always kept. The whole plan (kept ids, snapshots to give) is made before anything
 * changes, so a corrupt chain found while planning leaves the thread as it was.
 */
export function pruneMemoryThread(
	threadId: string,
	thread: Thread | undefined,
	options: PruneOptions,
	access: PruneAccess,
): number {
	checkPruneOptions(options);
	if (thread === undefined) return 0;
	const plans: Array<{
		ns: NonNullable<ReturnType<Thread["namespaces"]["get"]>>;
		keep: Set<string>;
		snapshots: Array<[Row, BlobPlace, Record<string, unknown>]>;
	}> = [];
	for (const [name, ns] of thread.namespaces) {
		const always = headRows(ns).map((r) => r.summary.checkpointId);
		for (const row of ns.rows.values())
			if (row.interrupts > 0) always.push(row.summary.checkpointId);
		const keep = keptIds(
			ns.order,
			(id) => ns.rows.get(id)?.summary.createdAt ?? "",
			options,
			always,
		);
		const chainOf = (id: string) => walkChain(threadId, name, ns, id).reverse();
		const snapshots: Array<[Row, BlobPlace, Record<string, unknown>]> = [];
		if (options.rebuild === undefined) {
			// keep whatever a kept checkpoint's chain still needs
			for (const id of [...keep])
				for (const r of chainOf(id)) keep.add(r.summary.checkpointId);
		} else {
			// a kept checkpoint whose parent goes gets the full state, so its chain stops at it
			for (const id of keep) {
				const row = ns.rows.get(id);
				if (row === undefined) continue;
				const { parentId, metadata } = row.summary;
				if (metadata.snapshot || parentId === null || keep.has(parentId))
					continue;
				const chain = chainOf(id).map((r) => access.stored(r));
				snapshots.push([
					row,
					{ threadId, ns: name, checkpointId: id },
					options.rebuild(chain),
				]);
			}
		}
		plans.push({ ns, keep, snapshots });
	}
	let removed = 0;
	for (const { ns, keep, snapshots } of plans) {
		const before = removed;
		for (const [row, place, snapshot] of snapshots)
			access.withSnapshot(row, place, snapshot);
		for (const id of ns.order) {
			if (keep.has(id)) continue;
			const row = ns.rows.get(id);
			if (row === undefined) continue;
			const parentId = row.summary.parentId;
			const parent = parentId === null ? undefined : ns.rows.get(parentId);
			if (parent !== undefined) parent.children--;
			ns.rows.delete(id);
			removed++;
		}
		ns.order = ns.order.filter((id) => keep.has(id) && ns.rows.has(id));
		ns.heads = undefined;
		// what was removed may share slabs with what stays: the kept blobs are copied out of them
		if (removed > before) for (const row of ns.rows.values()) row.ownBlobs();
	}
	return removed;
}
