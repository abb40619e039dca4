import type { PruneOptions, Serializer } from "@weft/checkpoint";
import { keptIds, readPendingWrite } from "@weft/checkpoint";
import { readChain } from "./chain.ts";
import type { Statements } from "./statements.ts";
import type { Query } from "./transactions.ts";

interface PlanRow {
	checkpoint_id: string;
	parent_id: string | null;
	has_snapshot: boolean;
	created_at: string;
	head: boolean;
	paused: boolean;
}

/**
 * Removes a thread's old checkpoints and their pending writes in every namespace, inside the caller's
 * transaction (which holds the thread row's lock, so no commit runs meanwhile). Heads of branches and
 * checkpoints with a pending interrupt are always kept. Every kept checkpoint stays readable: without
 * `rebuild` the older ones its chain needs are kept; with it, a kept checkpoint whose parent goes gets a
 * snapshot. Returns how many checkpoints were removed.
 */
export async function pruneThread(
	q: Query,
	st: Statements,
	serializer: Serializer,
	threadId: string,
	options: PruneOptions,
): Promise<number> {
	let removed = 0;
	const namespaces = (await q(st.namespaces, [threadId])).rows as Array<{
		ns: string;
	}>;
	for (const { ns } of namespaces) {
		const gone = await pruneNamespace(
			q,
			st,
			serializer,
			{ threadId, ns },
			options,
		);
		// removing checkpoints changes the root count, and a kept parent whose children all went is a head
		if (ns === "" && gone > 0) await q(st.fillRoot, [threadId]);
		removed += gone;
	}
	return removed;
}

async function pruneNamespace(
	q: Query,
	st: Statements,
	serializer: Serializer,
	key: { threadId: string; ns: string },
	options: PruneOptions,
): Promise<number> {
	const { threadId, ns } = key;
	const rows = (await q(st.planRows, [threadId, ns])).rows as PlanRow[];
	const nodes = new Map(rows.map((r) => [r.checkpoint_id, r]));
	const order = rows.map((r) => r.checkpoint_id);
	const always = rows
		.filter((r) => r.head || r.paused)
		.map((r) => r.checkpoint_id);
	always.push(...(await untypedPauses(q, st, serializer, key)));
	const keep = keptIds(
		order,
		(id) => nodes.get(id)!.created_at,
		options,
		always,
	);
	for (const id of [...keep]) {
		const chain = chainIds(nodes, id);
		if (chain.every((c) => keep.has(c))) continue;
		if (options.rebuild === undefined) {
			for (const c of chain) keep.add(c);
		} else if (!keep.has(chain[chain.length - 2]!)) {
			// The parent goes: this checkpoint gets its own snapshot (a kept parent is handled in its turn).
			const full = await readChain(q, st, serializer, { ...key, from: id });
			const own = full[full.length - 1]!;
			const place = { threadId, ns, checkpointId: id };
			const data = Buffer.from(
				serializer.serialize(
					{ ...own.data, snapshot: options.rebuild(full) },
					place,
				),
			);
			await q(st.setSnapshot, [threadId, ns, id, data, data.byteLength]);
			nodes.get(id)!.has_snapshot = true;
		}
	}
	const drop = order.filter((id) => !keep.has(id));
	if (drop.length > 0)
		for (const sql of st.pruneRows) await q(sql, [threadId, ns, drop]);
	return drop.length;
}

/** Ids from the nearest snapshot (or the first missing parent) to `id`, oldest first; cycles end it. */
function chainIds(nodes: Map<string, PlanRow>, id: string): string[] {
	const chain: string[] = [];
	const seen = new Set<string>();
	let cur: string | null = id;
	while (cur !== null && !seen.has(cur)) {
		const node = nodes.get(cur);
		if (node === undefined) break;
		seen.add(cur);
		chain.push(cur);
		if (node.has_snapshot) break;
		cur = node.parent_id;
	}
	return chain.reverse();
}

/** Checkpoints holding an interrupt among writes stored before writes recorded their kind. */
async function untypedPauses(
	q: Query,
	st: Statements,
	serializer: Serializer,
	key: { threadId: string; ns: string },
): Promise<string[]> {
	const rows = (await q(st.untypedWrites, [key.threadId, key.ns]))
		.rows as Array<{
		checkpoint_id: string;
		data: Buffer;
	}>;
	const paused = new Set<string>();
	for (const r of rows) {
		const place = { ...key, checkpointId: r.checkpoint_id };
		try {
			const write = readPendingWrite(serializer, r.data, place);
			if (write.kind === "interrupt") paused.add(r.checkpoint_id);
		} catch {
			paused.add(r.checkpoint_id); // unreadable: keep it rather than guess
		}
	}
	return [...paused];
}
