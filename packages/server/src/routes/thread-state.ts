import {
	checkpointNotFound,
	isWeftError,
	validateId,
	WeftError,
} from "@weft/checkpoint";
import { type Context, Hono } from "hono";
import type { z } from "zod";
import {
	type Env,
	graphOfThread,
	interruptTasks,
	ownedThread,
	requireAnswerScopeIfWaiting,
	type ServerContext,
	toThreadState,
} from "../context.ts";
import { splitHistoryFilter } from "../history-filter.ts";
import { HistoryGetQuery, StateQuery } from "../query-schemas.ts";
import { threadBusy } from "../run-executor.ts";
import { HistoryQuery, StatePatch, StateUpdate } from "../schemas.ts";
import { headOf } from "../thread-head.ts";
import { hasCheckpoint } from "../thread-lease.ts";
import type { ThreadRecord } from "../thread-registry.ts";
import { body, query } from "./validate.ts";

/** What a history listing is asked: the POST's body, or the GET's query (limit and before only). */
type HistoryRequest = Pick<z.infer<typeof HistoryQuery>, "limit" | "before"> &
	Partial<Pick<z.infer<typeof HistoryQuery>, "metadata" | "checkpoint">>;

/** The graph a thread runs; CONFIG_INVALID when it has none yet. */
function requireGraph(ctx: ServerContext, t: ThreadRecord) {
	const graph = graphOfThread(ctx, t);
	if (graph === undefined)
		throw new WeftError(
			"CONFIG_INVALID",
			`thread "${t.threadId}" has no graph yet`,
			{
				hint: "create it with metadata.graph_id, or run it once with an assistant",
			},
		);
	return graph;
}

/** The state of a thread with no checkpoint (yet, or rolled back to before its first): no checkpoint, as LangGraph's. */
const emptyState = () => ({
	values: {},
	next: [],
	tasks: [],
	checkpoint: null,
	parent_checkpoint: null,
	metadata: {},
	created_at: null,
	interrupts: [],
});

/** A thread's state and history: read now or at a checkpoint, update (fork), list; patch refused. */
export function threadStateRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	const owned = (c: Context<Env>) =>
		ownedThread(ctx, c, c.req.param("thread_id")!);
	const history = (c: Context<Env>, q: HistoryRequest) =>
		listHistory(ctx, c, q);
	const state = async (c: Context<Env>, checkpointId?: string) => {
		const t = await owned(c);
		if (!(await hasCheckpoint(ctx.checkpointer, t.threadId))) {
			if (checkpointId === undefined) return c.json(emptyState());
			// a thread with no checkpoint has none of that id (whether or not it has a graph yet)
			validateId(checkpointId, "checkpoint id");
			throw checkpointNotFound(t.threadId, "", checkpointId);
		}
		// rolled back: the thread reads as before its rolled-back runs
		const at = checkpointId ?? (await headOf(ctx, t));
		if (at === null) return c.json(emptyState());
		const snap = await requireGraph(ctx, t).getState({
			threadId: t.threadId,
			checkpointId: at,
		});
		return c.json(
			toThreadState(snap, await interruptTasks(ctx.checkpointer, snap)),
		);
	};
	app.get("/:thread_id/state", (c) => {
		query(c, StateQuery);
		return state(c);
	});
	app.get("/:thread_id/state/:checkpoint_id", (c) => {
		query(c, StateQuery);
		return state(c, c.req.param("checkpoint_id"));
	});
	app.post("/:thread_id/state/checkpoint", async (c) => {
		const b = await body(c, StateUpdate.pick({ checkpoint: true }));
		return state(c, b.checkpoint?.checkpoint_id);
	});
	app.post("/:thread_id/state", async (c) => {
		const t = await owned(c);
		const b = await body(c, StateUpdate);
		const graph = requireGraph(ctx, t);
		// a run of the server's running: refused naming it, with what a client of the API can do (the
		// runtime's own refusal names the lease and a library option, waitForLease). A run still queued
		// (enqueued, after_seconds) holds nothing: the update goes through and that run starts from it
		const running = ctx.registry
			.runsOf(t.threadId)
			.find((r) => r.status === "running");
		if (running !== undefined)
			throw threadBusy(t.threadId, `run ${running.runId} is running`);
		const checkpointId =
			b.checkpoint_id ??
			b.checkpoint?.checkpoint_id ??
			(await headOf(ctx, t)) ??
			undefined;
		// writing past a pending human checkpoint answers it: the same scope is needed
		const graphId = t.graphId ?? [...ctx.graphs.keys()][0]!;
		await requireAnswerScopeIfWaiting(ctx, c, graph, graphId, {
			threadId: t.threadId,
			checkpointId,
		});
		const out = await graph
			.updateState(
				{ threadId: t.threadId, checkpointId },
				(b.values ?? {}) as never,
				{
					asNode: b.as_node,
				},
			)
			.catch((error: unknown) => {
				// a runner outside the server (the CLI), or a run that started since the check above
				if (isWeftError(error, "THREAD_BUSY"))
					throw new WeftError("THREAD_BUSY", error.message, {
						hint: "retry once the run in progress is done (runs.join on the server's; a lease not given back lapses at the time named)",
					});
				throw error;
			});
		// LangGraph answers `checkpoint`; the SDK's type names it `configurable`: both are sent
		const checkpoint = {
			thread_id: t.threadId,
			checkpoint_ns: "",
			checkpoint_id: out.checkpointId,
		};
		return c.json({ checkpoint, configurable: checkpoint });
	});
	// LangGraph changes the checkpoint's metadata in place; Weft's stores never change a checkpoint
	// (decision 0051): refused, after the same checks as a read
	app.patch("/:thread_id/state", async (c) => {
		const t = await owned(c);
		const b = await body(c, StatePatch);
		const checkpointId = b.checkpoint_id ?? b.checkpoint?.checkpoint_id;
		if (checkpointId !== undefined)
			await requireGraph(ctx, t).getState({
				threadId: t.threadId,
				checkpointId,
			});
		throw new WeftError(
			"CHECKPOINT_CONFLICT",
			"checkpoints are immutable: their metadata cannot be patched",
			{
				hint: "give metadata when the run starts (runs.create({ metadata }) sets it on every checkpoint the run writes), or keep it on the thread (threads.update)",
			},
		);
	});
	// the SDK's `threads.getHistory` POSTs; LangGraph's API also lists the history with GET (`limit`, `before`)
	app.get("/:thread_id/history", (c) => history(c, query(c, HistoryGetQuery)));
	app.post("/:thread_id/history", async (c) =>
		history(c, await body(c, HistoryQuery)),
	);
	return app;
}

/** A thread's checkpoints, newest first, as `threads.getHistory` lists them. */
async function listHistory(
	ctx: ServerContext,
	c: Context<Env>,
	q: HistoryRequest,
): Promise<Response> {
	const t = await ownedThread(ctx, c, c.req.param("thread_id")!);
	if (!(await hasCheckpoint(ctx.checkpointer, t.threadId))) return c.json([]);
	const before = q.before;
	const out = [];
	const { stored, matches } = splitHistoryFilter(q.metadata);
	// what each listed checkpoint's tasks wrote is in its children's writes (newer: listed before it);
	// a listing from the thread's newest checkpoint, unfiltered, sees every child first: the tasks of a
	// checkpoint without one have not run (`result: null`); otherwise an unseen child leaves it unknown
	const complete =
		q.checkpoint?.checkpoint_id === undefined && stored === undefined;
	const written = new Map<string, Record<string, unknown>>();
	const graph = requireGraph(ctx, t);
	if (before !== undefined) {
		// listed after `before`: its writes are its parent's tasks' (its own children are not listed)
		const at = await graph
			.getState({ threadId: t.threadId, checkpointId: before })
			.catch(() => undefined);
		if (at?.parentCheckpointId != null)
			written.set(at.parentCheckpointId, at.writes);
	}
	// filtered here: the store lists without a limit, and the listing stops at `limit` matches
	for await (const snap of graph.getStateHistory(
		{ threadId: t.threadId, checkpointId: q.checkpoint?.checkpoint_id },
		{
			limit: matches === undefined ? q.limit : undefined,
			before,
			filter: stored,
		},
	)) {
		if (snap.parentCheckpointId !== null)
			written.set(snap.parentCheckpointId, {
				...written.get(snap.parentCheckpointId),
				...snap.writes,
			});
		const mine = written.get(snap.checkpointId);
		written.delete(snap.checkpointId); // each checkpoint is listed once, after its children
		if (matches !== undefined && !matches(snap)) continue;
		const results =
			mine ?? (complete && before === undefined ? null : undefined);
		out.push(
			toThreadState(
				snap,
				await interruptTasks(ctx.checkpointer, snap),
				results,
			),
		);
		if (out.length >= q.limit) break;
	}
	return c.json(out);
}
