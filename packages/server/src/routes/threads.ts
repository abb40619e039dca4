import { isDeepStrictEqual } from "node:util";
import { WeftError } from "@weft/checkpoint";
import { type Context, Hono } from "hono";
import {
	type Env,
	interruptsByTask,
	interruptTasks,
	ownedThread,
	ownerOf,
	type ServerContext,
} from "../context.ts";
import {
	ThreadCount,
	ThreadCreate,
	ThreadPatch,
	ThreadSearch,
} from "../schemas.ts";
import { deleteThread } from "../thread-expiry.ts";
import { type ThreadStatus, threadNow } from "../thread-head.ts";
import type { ThreadRecord } from "../thread-registry.ts";
import {
	findThreads,
	page,
	selectFields,
	sortThreads,
	updatedAtOf,
	withRecordedGraph,
} from "../thread-search.ts";
import { applySupersteps, superstepsGraph } from "../thread-supersteps.ts";
import { pathProblem } from "../wire-ids.ts";
import { toWire } from "../wire-values.ts";
import { body } from "./validate.ts";

/**
 * A thread in LangGraph's `Thread` shape. `fresh`: the thread was just created here under an id this
 * process generated, so nothing can have run on it yet (no checkpoint to read).
 */
export async function toThread(
	ctx: ServerContext,
	t: ThreadRecord,
	fresh = false,
) {
	const info = fresh ? undefined : await ctx.checkpointer.getThread(t.threadId);
	const { status, snap } = fresh
		? { status: "idle", snap: undefined }
		: await threadNow(ctx, t, info);
	let values: unknown = null;
	let interrupts: Record<string, unknown[]> = {};
	if (snap !== undefined) {
		values = toWire(snap.values);
		interrupts = interruptsByTask(
			snap,
			await interruptTasks(ctx.checkpointer, snap),
		);
	}
	const updatedAt = updatedAtOf(t, info);
	return {
		thread_id: t.threadId,
		created_at: t.createdAt,
		updated_at: updatedAt,
		// Weft keeps no separate time of the last state change (the SDK's Thread type requires one)
		state_updated_at: updatedAt,
		metadata: t.metadata,
		status,
		values,
		interrupts,
		...(t.ttlMinutes === undefined
			? {}
			: { ttl: wireTtl(t.ttlMinutes, updatedAt) }),
	};
}

/**
 * A thread's ttl as LangGraph's platform answers it: its strategy, its minutes, and when it expires
 * (`ttl_minutes` after the last update; the sweep deletes it at its next look after that).
 */
const wireTtl = (minutes: number, updatedAt: string) => ({
	strategy: "delete",
	ttl_minutes: minutes,
	expires_at: new Date(Date.parse(updatedAt) + minutes * 60_000).toISOString(),
});

/** The thread's status (see `threadNow`). */
async function threadStatus(
	ctx: ServerContext,
	t: ThreadRecord,
): Promise<ThreadStatus> {
	if (ctx.runs.activeRun(t.threadId) !== undefined) return "busy";
	const info = await ctx.checkpointer.getThread(t.threadId);
	return (await threadNow(ctx, t, info)).status;
}

/** Threads: create, read, search, count, patch, delete (their state and history: `thread-state.ts`). */
export function threadRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	const owned = (c: Context<Env>) =>
		ownedThread(ctx, c, c.req.param("thread_id")!);

	app.post("/", async (c) => {
		const b = await body(c, ThreadCreate);
		const unsafe =
			b.thread_id === undefined ? undefined : pathProblem(b.thread_id);
		if (unsafe !== undefined)
			throw new WeftError(
				"INVALID_ID",
				`thread id ${JSON.stringify(b.thread_id)} cannot be sent in a URL path: ${unsafe}`,
				{
					hint: 'use letters, digits and - _ . : @ (a UUID, or e.g. "ticket-42"): clients write thread ids into URL paths as they are',
				},
			);
		const existing =
			b.thread_id === undefined
				? undefined
				: await ctx.registry.findThread(b.thread_id);
		if (existing !== undefined) {
			if (existing.owner !== ownerOf(c) || b.if_exists !== "do_nothing")
				throw new WeftError(
					"CHECKPOINT_CONFLICT",
					`thread "${b.thread_id}" already exists`,
					{
						hint: 'pass if_exists: "do_nothing" to get the existing thread',
					},
				);
			return c.json(await toThread(ctx, existing));
		}
		if (
			b.thread_id !== undefined &&
			(await ctx.checkpointer.getThread(b.thread_id)) !== undefined
		)
			throw new WeftError(
				"CHECKPOINT_CONFLICT",
				`thread "${b.thread_id}" already exists`,
				{
					hint: "choose another thread id",
				},
			);
		const supersteps = b.supersteps ?? [];
		const graph =
			supersteps.length === 0
				? undefined
				: superstepsGraph(ctx, b.metadata, supersteps);
		const init = {
			owner: ownerOf(c),
			metadata: b.metadata,
			ttlMinutes: b.ttl?.ttl ?? undefined,
		};
		const t =
			b.thread_id === undefined
				? ctx.registry.createThread(init)
				: await ctx.registry.claimThread({ ...init, threadId: b.thread_id });
		// taken meanwhile (another request, or another API process on the same database)
		if (t === undefined)
			throw new WeftError(
				"CHECKPOINT_CONFLICT",
				`thread "${b.thread_id}" already exists`,
				{ hint: "choose another thread id" },
			);
		// a 200 means every process reads the new thread; given up, it is dropped again
		await ctx.registry.written(t.threadId, () =>
			ctx.registry.threads.refresh(t.threadId, undefined),
		);
		if (graph === undefined)
			return c.json(await toThread(ctx, t, b.thread_id === undefined));
		// an update refused (values the schema refuses, an unknown node): no thread is left half made
		await applySupersteps(graph, t.threadId, supersteps).catch(
			async (error: unknown) => {
				await ctx.checkpointer.deleteThread(t.threadId);
				ctx.registry.threads.delete(t.threadId);
				// the id is free again for every process once the client hears of the refusal
				await ctx.registry.threads.flush();
				throw error;
			},
		);
		return c.json(await toThread(ctx, t));
	});
	app.post("/search", async (c) => {
		const q = await body(c, ThreadSearch);
		const found = await findThreads(ctx, c, q);
		if (q.sort_by === "status")
			for (const f of found)
				f.status ??= await threadStatus(ctx, await withRecordedGraph(ctx, f));
		if (q.sort_by === "updated_at" || q.sort_by === "state_updated_at")
			for (const f of found)
				f.info ??= await ctx.checkpointer.getThread(f.thread.threadId);
		return c.json(
			await Promise.all(
				page(c, sortThreads(found, q), q).map(async (f) =>
					selectFields(
						await toThread(ctx, await withRecordedGraph(ctx, f)),
						q.select,
					),
				),
			),
		);
	});
	app.post("/count", async (c) =>
		c.json((await findThreads(ctx, c, await body(c, ThreadCount))).length),
	);
	app.get("/:thread_id", async (c) =>
		c.json(await toThread(ctx, await owned(c))),
	);
	app.patch("/:thread_id", async (c) => {
		const t = await owned(c);
		const b = await body(c, ThreadPatch);
		const metadata = { ...t.metadata, ...b.metadata };
		// nothing to change (no ttl, no new metadata value): the thread as it is, its updated_at (and so its
		// ttl's clock) unmoved
		if (b.ttl === undefined && isDeepStrictEqual(metadata, t.metadata))
			return c.json(await toThread(ctx, t));
		t.metadata = metadata;
		// null removes the ttl; absent keeps it
		if (b.ttl !== undefined) t.ttlMinutes = b.ttl?.ttl;
		t.updatedAt = new Date().toISOString();
		await ctx.registry.written(t.threadId);
		return c.json(await toThread(ctx, t));
	});
	app.delete("/:thread_id", async (c) => {
		await deleteThread(ctx, await owned(c));
		return c.body(null, 204);
	});
	return app;
}
