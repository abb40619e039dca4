import { contains, isValidId, type ThreadInfo } from "@weft/checkpoint";
import type { Context } from "hono";
import type { z } from "zod";
import { type Env, ownerOf, type ServerContext } from "./context.ts";
import type { ThreadCount, ThreadSearch } from "./schemas.ts";
import { storeMadeThread } from "./store-made-graph.ts";
import { possibleStatuses, threadNow } from "./thread-head.ts";
import { storeMadeRecord, type ThreadRecord } from "./thread-registry.ts";
import { toWire } from "./wire-values.ts";

/** A thread matched by a search or count, with what the filters read of it (for sorting by status). */
export interface Found {
	thread: ThreadRecord;
	status?: string | undefined;
	/**
	 * What the store knows of the thread, once read (by a filter on status or values, or to sort; listed
	 * with it when the thread has no record).
	 */
	info?: ThreadInfo | undefined;
	/**
	 * A thread without a record whose graph is not read yet (`withRecordedGraph`): read only when a
	 * metadata filter or the answered page needs it.
	 */
	graphUnread?: true | undefined;
}

/** Gives a found thread without a record the graph its checkpoints record (`storeMadeThread`), once. */
export async function withRecordedGraph(
	ctx: ServerContext,
	f: Found,
): Promise<ThreadRecord> {
	if (f.graphUnread === true) {
		f.thread = await storeMadeThread(ctx, f.thread);
		delete f.graphUnread;
	}
	return f.thread;
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

/** The metadata keys a thread made on the store without the server may have (`storeMadeThread`). */
const STORE_MADE_KEYS: ReadonlySet<string> = new Set([
	"graph_id",
	"assistant_id",
]);

/**
 * The caller's threads that pass `threads.search` / `threads.count` filters: ids and metadata from the
 * records; status and values (read only when filtered on) from the state, as `threads.get` reports them,
 * a thread's state read only when its stored status and run records leave its status open
 * (`possibleStatuses`).
 * A caller without identity also sees the threads made on the store without the server (`storeMade`), as
 * `threads.get` serves them.
 */
export async function findThreads(
	ctx: ServerContext,
	c: Context<Env>,
	q: z.infer<typeof ThreadCount>,
): Promise<Found[]> {
	const owner = ownerOf(c);
	const unrecorded = owner === undefined ? await storeMade(ctx, q.ids) : [];
	// both taken at once after the store's answer: a thread a concurrent read adopts is listed once
	const candidates: Found[] = [
		...[...ctx.registry.threads.values()]
			.filter((t) => t.owner === owner)
			.map((thread) => ({ thread })),
		...unrecorded
			.filter((info) => !ctx.registry.threads.has(info.threadId))
			.map((info) => ({
				thread: storeMadeRecord(info),
				info,
				graphUnread: true as const,
			})),
	];
	// the graph is in the metadata filtered on, and reads the state filtered on
	const readGraph =
		q.metadata !== undefined ||
		q.status !== undefined ||
		q.values !== undefined;
	// a thread made without the server has no metadata but these two: a filter on another key skips it unread
	const storeMadeMayMatch =
		q.metadata === undefined ||
		Object.keys(q.metadata).every((k) => STORE_MADE_KEYS.has(k));
	const found: Found[] = [];
	for (const f of candidates) {
		if (q.ids !== undefined && !q.ids.includes(f.thread.threadId)) continue;
		if (f.graphUnread === true && !storeMadeMayMatch) continue;
		const t = readGraph ? await withRecordedGraph(ctx, f) : f.thread;
		if (q.metadata !== undefined && !contains(t.metadata, q.metadata)) continue;
		if (q.status === undefined && q.values === undefined) {
			found.push(f);
			continue;
		}
		const info = f.info ?? (await ctx.checkpointer.getThread(t.threadId));
		// the stored status and the run records first: a state is read only where they leave it open
		const possible =
			q.status === undefined ? undefined : possibleStatuses(ctx, t, info);
		if (q.status !== undefined && !possible!.includes(q.status)) continue;
		if (possible?.length === 1 && q.values === undefined) {
			found.push({ ...f, thread: t, status: possible[0], info });
			continue;
		}
		const now = await threadNow(ctx, t, info);
		if (q.status !== undefined && now.status !== q.status) continue;
		if (
			q.values !== undefined &&
			(now.snap === undefined || !contains(toWire(now.snap.values), q.values))
		)
			continue;
		found.push({ ...f, thread: t, status: now.status, info });
	}
	return found;
}

/**
 * The store's threads the server holds no record of (made by the library or the CLI on its store), but not
 * those whose record is unreadable. One listing of the store's thread rows (their states are read only
 * for the filters that need them); with `ids`, only those ids are looked up.
 */
async function storeMade(
	ctx: ServerContext,
	ids: readonly string[] | undefined,
): Promise<ThreadInfo[]> {
	const known = (id: string) =>
		ctx.registry.threads.has(id) || ctx.registry.unreadableThreads.has(id);
	if (ids === undefined)
		return (await ctx.checkpointer.listThreads()).filter(
			(t) => !known(t.threadId),
		);
	const looked = await Promise.all(
		[...new Set(ids)]
			// an id the store refuses (too long, a NUL) names no thread
			.filter((id) => !known(id) && isValidId(id))
			.map((id) => ctx.checkpointer.getThread(id)),
	);
	return looked.filter((t) => t !== undefined);
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
