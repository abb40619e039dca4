import type { PruneOptions, Serializer } from "@weft/checkpoint";
import { keptIds } from "@weft/checkpoint";
import type { Query } from "./retry.ts";
import { readChain } from "./rows.ts";

/**
 * Removes a thread's old checkpoints and their pending writes in every namespace (inside the caller's
 * transaction, each namespace under its advisory lock). Every kept checkpoint stays readable: without
 * `rebuild` the older ones its chain needs are kept; with it, a kept checkpoint whose parent goes gets a
 * snapshot. Returns how many checkpoints were removed.
 */
export async function pruneThread(
	q: Query,
	s: string,
	serializer: Serializer,
	threadId: string,
	options: PruneOptions,
): Promise<number> {
	let removed = 0;
	const namespaces = await q(
		`SELECT DISTINCT ns FROM ${s}.checkpoints WHERE thread_id = $1`,
		[threadId],
	);
	for (const { ns } of namespaces.rows as Array<{ ns: string }>) {
		await q("SELECT pg_advisory_xact_lock(hashtext($1))", [
			`${threadId}|${ns}`,
		]);
		const { rows } = await q(
			`SELECT checkpoint_id, created_at FROM ${s}.checkpoints WHERE thread_id = $1 AND ns = $2 ORDER BY checkpoint_id`,
			[threadId, ns],
		);
		const created = new Map(
			rows.map((r) => [r.checkpoint_id as string, r.created_at as string]),
		);
		const keep = keptIds(
			[...created.keys()],
			(id) => created.get(id)!,
			options,
		);
		const chainOf = (from: string) =>
			readChain(q, s, serializer, { threadId, ns, from });
		if (options.rebuild === undefined) {
			// keep whatever a kept checkpoint's chain still needs
			for (const id of [...keep]) {
				for (const c of await chainOf(id)) keep.add(c.checkpointId);
			}
		} else {
			// a kept checkpoint whose parent goes gets the full state, so its chain stops at it
			for (const id of keep) {
				const chain = await chainOf(id);
				const own = chain[chain.length - 1]!;
				if (
					own.data.snapshot !== undefined ||
					own.parentId === null ||
					keep.has(own.parentId)
				)
					continue;
				const data = Buffer.from(
					serializer.serialize({
						...own.data,
						snapshot: options.rebuild(chain),
					}),
				);
				await q(
					`UPDATE ${s}.checkpoints SET data = $1, size = $2, has_snapshot = true, metadata = metadata || '{"snapshot": true}'::jsonb WHERE thread_id = $3 AND ns = $4 AND checkpoint_id = $5`,
					[data, data.byteLength, threadId, ns, id],
				);
			}
		}
		const drop = [...created.keys()].filter((id) => !keep.has(id));
		if (drop.length === 0) continue;
		for (const table of ["checkpoints", "writes"])
			await q(
				`DELETE FROM ${s}.${table} WHERE thread_id = $1 AND ns = $2 AND checkpoint_id = ANY($3)`,
				[threadId, ns, drop],
			);
		removed += drop.length;
	}
	return removed;
}
