import type { ChainOptions, ChainRecord, Serializer } from "@weft/checkpoint";
import {
	checkpointNotFound,
	corruptCheckpoint,
	readPendingWrite,
} from "@weft/checkpoint";
import { type DataRow, placeOf, storedOf } from "./rows.ts";
import type { Statements } from "./statements.ts";
import type { Query } from "./transactions.ts";

export interface ChainKey {
	threadId: string;
	ns: string;
	from: string;
}

interface Link {
	id: string;
	parent: string | null;
	snap: boolean;
}

/**
 * A checkpoint's chain back to the nearest snapshot (or before the first id `stopAt` accepts), oldest
 * first. The walk runs on ids in one bounded recursive query; blobs are read only for the part kept.
 * A chain with a gap (a parent that is missing) or a cycle is CORRUPT_CHECKPOINT naming the checkpoint
 * whose parent is wrong. Run it in a snapshot (read-only REPEATABLE READ) so both reads agree.
 */
export async function readChain(
	q: Query,
	st: Statements,
	serializer: Serializer,
	key: ChainKey,
	options: ChainOptions = {},
): Promise<ChainRecord[]> {
	const { threadId, ns, from } = key;
	const links = (await q(st.chainIds, [threadId, ns, from])).rows as Link[];
	if (links.length === 0) throw checkpointNotFound(threadId, ns, from);
	const kept: Link[] = [];
	for (const link of links) {
		if (kept.length > 0 && options.stopAt?.(link.id) === true) break;
		kept.push(link);
	}
	const last = kept[kept.length - 1]!;
	if (kept.length === links.length && !last.snap && last.parent !== null) {
		const place = { threadId, ns, checkpointId: last.id };
		throw kept.some((l) => l.id === last.parent)
			? corruptCheckpoint(
					place,
					`its parent "${last.parent}" is also its descendant (a cycle)`,
				)
			: corruptCheckpoint(place, `its parent "${last.parent}" is missing`);
	}
	const withWrites = options.withWrites === true;
	const rows = (
		await q(withWrites ? st.rowsWithWritesByIds : st.rowsByIds, [
			threadId,
			ns,
			kept.map((l) => l.id),
		])
	).rows as Array<DataRow & { writes?: Buffer[] }>;
	const byId = new Map(rows.map((r) => [r.checkpoint_id, r]));
	return kept.reverse().map((link) => {
		const row = byId.get(link.id);
		if (row === undefined) throw checkpointNotFound(threadId, ns, link.id);
		const record: ChainRecord = storedOf(row, serializer);
		if (withWrites) {
			const place = placeOf(row);
			record.pendingWrites = (row.writes ?? []).map((w) =>
				readPendingWrite(serializer, w, place),
			);
		}
		return record;
	});
}
