import { contains, type ThreadInfo } from "@weft/checkpoint";
import type { Context } from "hono";
import type { z } from "zod";
import { type Env, ownerOf, type ServerContext } from "./context.ts";
import type { ThreadCount, ThreadSearch } from "./schemas.ts";
import { threadNow } from "./thread-head.ts";
import type { ThreadRecord } from "./thread-registry.ts";
import { toWire } from "./wire-values.ts";

/** A thread matched by a search or count, with what the filters read of it (for sorting by status). */
export interface Found {
	thread: ThreadRecord;
	status?: string | undefined;
	/** What the store knows of the thread, once read (by a filter on status or values, or to sort). */
	info?: ThreadInfo | undefined;
}

/**
 * When the thread last changed, as its answers report it: the later of its record (metadata, creation) and
 * its checkpoints (a run's steps, an update).
 */
export const updatedAtOf = (
	t: ThreadRecord,
	info: { updatedAt: string } | undefined,
): string =>
	info !== undefined && info.updatedAt > t.updatedAt
		? info.updatedAt
		: t.updatedAt;

/**
 * The caller's threads that pass `threads.search` / `threads.count` filters: ids and metadata from the
 * records; status and values (read only when filtered on) from the state, as `threads.get` reports them.
 */
export async function findThreads(
	ctx: ServerContext,
	c: Context<Env>,
	q: z.infer<typeof ThreadCount>,
): Promise<Found[]> {
	const found: Found[] = [];
	for (const t of ctx.registry.threads.values()) {
		if (t.owner !== ownerOf(c)) continue;
		if (q.ids !== undefined && !q.ids.includes(t.threadId)) continue;
		if (q.metadata !== undefined && !contains(t.metadata, q.metadata)) continue;
		if (q.status === undefined && q.values === undefined) {
			found.push({ thread: t });
			continue;
		}
		const info = await ctx.checkpointer.getThread(t.threadId);
		const now = await threadNow(ctx, t, info);
		if (q.status !== undefined && now.status !== q.status) continue;
		if (
			q.values !== undefined &&
			(now.snap === undefined || !contains(toWire(now.snap.values), q.values))
		)
			continue;
		found.push({ thread: t, status: now.status, info });
	}
	return found;
}

/** Sorts found threads by `sort_by` (default `created_at`) and `sort_order` (default `desc`). */
export function sortThreads(
	found: Found[],
	q: Pick<z.infer<typeof ThreadSearch>, "sort_by" | "sort_order">,
): Found[] {
	const by = q.sort_by ?? "created_at";
	// Weft keeps no separate time of the last state change: updated_at stands for it
	const key = (f: Found): string =>
		by === "thread_id"
			? f.thread.threadId
			: by === "status"
				? (f.status ?? "")
				: by === "created_at"
					? f.thread.createdAt
					: updatedAtOf(f.thread, f.info);
	const sign = (q.sort_order ?? "desc") === "asc" ? 1 : -1;
	return found.sort((a, b) => sign * key(a).localeCompare(key(b)));
}

/**
 * The page `offset`…`offset + limit` of a search's sorted matches, with LangGraph's pagination headers:
 * `X-Pagination-Total` the number of all matches, `X-Pagination-Next` the next page's offset while
 * matches remain (the SDK's `assistants.search({ includePagination })` reads it).
 */
export function page<T>(
	c: Context<Env>,
	all: readonly T[],
	q: { offset: number; limit: number },
): T[] {
	const end = q.offset + q.limit;
	c.header("X-Pagination-Total", String(all.length));
	if (end < all.length) c.header("X-Pagination-Next", String(end));
	return all.slice(q.offset, end);
}

/** Keeps the `select`ed fields of a thread (all without `select`). */
export function selectFields<T extends Record<string, unknown>>(
	item: T,
	select: readonly string[] | undefined,
): Partial<T> {
	if (select === undefined) return item;
	return Object.fromEntries(
		Object.entries(item).filter(([k]) => select.includes(k)),
	) as Partial<T>;
}
