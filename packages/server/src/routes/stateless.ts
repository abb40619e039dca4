import { type Context, Hono } from "hono";
import { z } from "zod";
import {
	type Env,
	graphIdOf,
	ownerOf,
	type ServerContext,
} from "../context.ts";
import { notFound } from "../http-errors.ts";
import { checkRunRequest } from "../run-checks.ts";
import { RunCreate, type RunCreateBody } from "../schemas.ts";
import { deleteThread } from "../thread-expiry.ts";
import type { RunRecord, ThreadRecord } from "../thread-registry.ts";
import { checkedRunId } from "../wire-ids.ts";
import { toRun } from "../wire-run.ts";
import { joinRunStream, streamNewRun, waitNewRun } from "./run-answers.ts";
import { inBackground, startRun } from "./runs.ts";
import { body } from "./validate.ts";

/**
 * Stateless runs (`POST /runs`, `/runs/wait`, `/runs/stream`, the SDK's `runs.*(null, …)`, and
 * `POST /runs/batch`, `runs.createBatch`: several background ones): each runs on
 * a thread of its own, made for it and deleted when the run ends unless `on_completion: "keep"` (a
 * streamed one `STATELESS_REJOIN_MS` later, so that a client whose stream dropped joins it again: decision
 * 0254); and `GET /runs/:run_id/stream` (`runs.joinStream(null, runId)`), for a run the caller owns.
 */
export function statelessRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	const start = async (
		c: Context<Env>,
		background = false,
		given?: RunCreateBody,
		streamed = false,
	): Promise<{ run: RunRecord; b: RunCreateBody }> => {
		given ??= await body(c, RunCreate);
		const b = background ? inBackground(given) : given;
		const drop = b.on_completion !== "keep";
		const thread = ctx.registry.createThread({
			owner: ownerOf(c),
			metadata: { graph_id: graphIdOf(ctx, b.assistant_id) },
			...(drop ? { dropWhenDone: true } : {}),
		});
		let run: RunRecord;
		try {
			run = await startRun(ctx, c, b, thread.threadId);
		} catch (error) {
			ctx.registry.threads.delete(thread.threadId);
			throw error;
		}
		const ended = ctx.runs.join(run.runId);
		// a join or drop that fails (its database connection lost) leaves the thread: never a rejection
		// nobody handles, which would end the process
		if (drop && streamed)
			void ended.then(
				() => keptToRejoin(ctx, thread),
				() => {},
			);
		else if (drop)
			void ended.then(() => deleteThread(ctx, thread)).catch(() => {});
		else void ended.catch(() => {});
		return { run, b };
	};

	app.post("/", async (c) => c.json(toRun((await start(c, true)).run)));
	// `runs.createBatch`: each payload is checked (its assistant, its request) before any run starts
	app.post("/batch", async (c) => {
		const all = await body(c, z.array(RunCreate));
		for (const b of all)
			checkRunRequest(ctx.graphs.get(graphIdOf(ctx, b.assistant_id))!, b);
		const runs = [];
		for (const b of all) runs.push(toRun((await start(c, true, b)).run));
		return c.json(runs);
	});
	app.post("/wait", async (c) => {
		const { run, b } = await start(c);
		return waitNewRun(ctx, c, run, b);
	});
	app.post("/stream", async (c) => {
		const { run, b } = await start(c, false, undefined, true);
		return streamNewRun(ctx, c, run, b);
	});
	app.get("/:run_id/stream", async (c) => {
		const runId = checkedRunId(c.req.param("run_id"));
		const run = await ctx.registry.findRun(runId);
		// another caller's run reads as missing, as on every route
		if (run === undefined || run.owner !== ownerOf(c))
			throw notFound("run", runId);
		return joinRunStream(ctx, c, run);
	});
	return app;
}

/**
 * A streamed run's thread, its run ended: marked updated now (its record written, for every API process),
 * so the sweep deletes it `STATELESS_REJOIN_MS` from now, not sooner (a run longer than that, or one that
 * wrote no checkpoint, would otherwise be past it already). Left alone when deleted meanwhile.
 */
function keptToRejoin(ctx: ServerContext, thread: ThreadRecord): void {
	const kept = ctx.registry.threads.get(thread.threadId);
	if (kept !== undefined) kept.updatedAt = new Date().toISOString();
}
