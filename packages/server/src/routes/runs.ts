import { threadLeaseOf, WeftError } from "@weft/checkpoint";
import { type Context, Hono } from "hono";
import {
	assistantId,
	type Env,
	graphIdOf,
	graphOfThread,
	ownedThread,
	ownerOf,
	perGraph,
	requireAnswerScope,
	requireAnswerScopeIfWaiting,
	type ServerContext,
} from "../context.ts";
import { notFound } from "../http-errors.ts";
import { RunCancelQuery, RunList } from "../query-schemas.ts";
import { type RunRequest, unanswer } from "../rollback.ts";
import { checkRunRequest, checkRunStart } from "../run-checks.ts";
import { shuttingDown, threadBusy } from "../run-executor.ts";
import { RunCreate, type RunCreateBody } from "../schemas.ts";
import { withRunStore } from "../scoped-store.ts";
import { headOf } from "../thread-head.ts";
import type { RunRecord } from "../thread-registry.ts";
import { selectFields } from "../thread-search.ts";
import { checkedRunId } from "../wire-ids.ts";
import { toRun } from "../wire-run.ts";
import {
	answerWhenDone,
	joinRunStream,
	runPath,
	streamNewRun,
	waitNewRun,
} from "./run-answers.ts";
import { body, query } from "./validate.ts";

/** Runs on a thread: create (background, wait, stream), list, get, join, join stream, cancel, delete. */
export function runRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();

	const ownedRun = async (c: Context<Env>): Promise<RunRecord> => {
		const runId = checkedRunId(c.req.param("run_id")!);
		const thread = await ownedThread(ctx, c, c.req.param("thread_id")!);
		const run = await ctx.registry.findRun(runId);
		if (run === undefined || run.threadId !== thread.threadId)
			throw notFound("run", runId);
		return run;
	};

	const start = async (c: Context<Env>, b: RunCreateBody) =>
		startRun(ctx, c, b, c.req.param("thread_id")!);
	app.post("/", async (c) =>
		c.json(toRun(await start(c, inBackground(await body(c, RunCreate))))),
	);
	app.post("/wait", async (c) => {
		const b = await body(c, RunCreate);
		return waitNewRun(ctx, c, await start(c, b), b);
	});
	app.post("/stream", async (c) => {
		const b = await body(c, RunCreate);
		return streamNewRun(ctx, c, await start(c, b), b);
	});
	app.get("/", async (c) => {
		const t = await ownedThread(ctx, c, c.req.param("thread_id")!);
		const { limit, offset, status, select } = query(c, RunList);
		const runs = ctx.registry
			.runsOf(t.threadId)
			.filter((r) => status === undefined || r.status === status);
		return c.json(
			runs
				.slice(offset, offset + limit)
				.map((r) => selectFields(toRun(r), select)),
		);
	});
	app.get("/:run_id", async (c) => c.json(toRun(await ownedRun(c))));
	app.get("/:run_id/join", async (c) =>
		answerWhenDone(ctx, c, await ownedRun(c), false),
	);
	app.get("/:run_id/stream", async (c) =>
		joinRunStream(ctx, c, await ownedRun(c)),
	);
	app.post("/:run_id/cancel", async (c) => {
		const q = query(c, RunCancelQuery);
		const run = await ownedRun(c);
		// a run that ended is left as it is (its record and its thread's state), as an interrupt leaves it:
		// a late rollback would erase finished work
		const inFlight = run.status === "pending" || run.status === "running";
		if (q.action === "rollback" && inFlight) await rollBack(ctx, run);
		else if (q.action !== "rollback")
			await ctx.runs.cancel(run, q.wait === true);
		// as LangGraph's server: 204 once the run has stopped (wait), 202 when the cancel is only under way
		return c.body(null, q.wait === true ? 204 : 202);
	});
	app.delete("/:run_id", async (c) => {
		const run = await ownedRun(c);
		if (run.status === "pending" || run.status === "running")
			await ctx.runs.cancel(run, true);
		ctx.registry.runs.delete(run.runId);
		return c.body(null, 204);
	});

	return app;
}

/**
 * A background run (`runs.create`) that names no stream mode records every mode a later `joinStream` may
 * ask for, as LangGraph's server does; a streamed run's default stays `values`.
 */
export function inBackground(b: RunCreateBody): RunCreateBody {
	return b.stream_mode === undefined
		? { ...b, stream_mode: ["values", "updates", "messages-tuple", "custom"] }
		: b;
}

/** Starts a run on a thread the caller owns (or creates, with `if_not_exists: "create"`). */
export async function startRun(
	ctx: ServerContext,
	c: Context<Env>,
	b: RunCreateBody,
	threadId: string,
): Promise<RunRecord> {
	// refused before anything is made (a thread by if_not_exists) or cancelled (admit checks again)
	if (ctx.runs.closing) throw shuttingDown();
	const graphId = graphIdOf(ctx, b.assistant_id);
	const registered = ctx.graphs.get(graphId)!;
	checkRunRequest(registered, b);
	let thread = await ctx.registry.findThread(threadId);
	if (
		thread === undefined &&
		b.if_not_exists === "create" &&
		(await ctx.checkpointer.getThread(threadId)) === undefined
	)
		thread = await ctx.registry.claimThread({
			threadId,
			owner: ownerOf(c),
			metadata: { graph_id: graphId },
		});
	thread ??= await ownedThread(ctx, c, threadId);
	if (thread.owner !== ownerOf(c)) throw notFound("thread", threadId);
	if (b.command != null && "resume" in b.command)
		requireAnswerScope(ctx, c, graphId);
	else if (b.command?.update != null || b.input != null)
		await requireAnswerScopeIfWaiting(
			ctx,
			c,
			graphOfThread(ctx, thread),
			graphId,
			{ threadId: thread.threadId },
		);
	const max = perGraph(ctx.maxRunsPerAssistant, graphId);
	if (max !== undefined) {
		const active = [...ctx.registry.runs.values()].filter(
			(r) =>
				r.graphId === graphId &&
				(r.status === "pending" || r.status === "running"),
		).length;
		if (active >= max)
			throw new WeftError(
				"RATE_LIMITED",
				`assistant "${graphId}" has ${active} runs pending or running (at most ${max})`,
				{ hint: "retry when one has ended" },
			);
	}
	// what would only fail as a run is answered now; a queued run starts from a state not written yet. A
	// resume that cancels the active run (`interrupt`) starts from the state as it is now, that run's
	// records included: an answer that run has taken stays spent (decision 0210), so a different one is
	// refused here, before that run is cancelled (decision 0214), rather than made a run that fails
	const busyWith = ctx.runs.activeRun(threadId);
	if (busyWith === undefined)
		await checkRunStart(ctx, registered, graphId, thread, b);
	else if (
		b.multitask_strategy === "interrupt" &&
		b.command != null &&
		"resume" in b.command
	)
		await checkRunStart(ctx, registered, graphId, thread, b).catch(
			(error: unknown) => {
				throw error instanceof WeftError &&
					error.code === "NO_PENDING_INTERRUPT"
					? answerTaken(threadId, busyWith.runId)
					: error;
			},
		);
	const start = await admit(ctx, threadId, b);
	// the executors carry the request as it is (in memory, or queued as JSON for a worker)
	const request: RunRequest =
		start === undefined ? b : { ...b, rollback_start: start };
	thread.graphId ??= graphId;
	// as LangGraph does: the thread names the graph and assistant of its latest run (searchable by them)
	const assistant = assistantId(graphId);
	if (
		thread.metadata.graph_id !== graphId ||
		thread.metadata.assistant_id !== assistant
	)
		thread.metadata = {
			...thread.metadata,
			graph_id: graphId,
			assistant_id: assistant,
		};
	const graph = withRunStore(registered, ctx.store, ownerOf(c));
	const run = await ctx.runs.start(
		graph,
		{
			threadId,
			assistantId: assistant,
			graphId,
			owner: ownerOf(c),
			// as LangGraph's: the thread's metadata (its graph_id and assistant_id too), then the run's own
			metadata: { ...thread.metadata, ...b.metadata },
			multitaskStrategy: b.multitask_strategy ?? "reject",
			kwargs: runKwargs(b),
		},
		request,
		// the runs another request was admitted with while this one stopped the ones it knew of, stopped
		// by the executor as it recorded this one: rolled back too (decision 0215)
		b.multitask_strategy === "rollback"
			? async (stopped) => {
					for (const r of stopped) await rollBack(ctx, r);
					// written before the answer, as the runs rolled back before it was recorded are
					await ctx.registry.flush();
				}
			: undefined,
	);
	// a header holds Latin-1 only: the ids percent-encoded, as the path they name (a thread id holds no %,
	// decision 0152, so the SDK, which puts them back in a path as it reads them, reaches the same run)
	c.header("Content-Location", runPath(threadId, run.runId));
	return run;
}

/** A resume sent with `interrupt` to a thread whose active run has taken the answer (decision 0214). */
function answerTaken(threadId: string, runId: string): WeftError {
	return new WeftError(
		"NO_PENDING_INTERRUPT",
		`thread "${threadId}" has no pending interrupt to resume: run ${runId}, still running, has taken its answer, and multitask_strategy "interrupt" would cancel it with that answer spent`,
		{
			hint: 'send the resume with multitask_strategy "rollback" to take that run and its answer back (the question is then answered by this one), or wait for the run to end',
		},
	);
}

/** What LangGraph keeps of a run's request in `run.kwargs`: all but what the run record has already. */
function runKwargs(b: RunCreateBody): Record<string, unknown> {
	const {
		assistant_id: _a,
		metadata: _m,
		multitask_strategy: _s,
		if_not_exists: _i,
		on_disconnect: _d,
		on_completion: _c,
		...kwargs
	} = b;
	return kwargs;
}

/**
 * `multitask_strategy` while the thread is busy: "reject" (the default here) answers 409, "enqueue" queues
 * the new run behind the active one, "interrupt" cancels it, "rollback" cancels it and deletes its record,
 * and returns where the new run starts: from the thread as it was before the rolled-back run (see
 * `rollbackStart`; undefined: from the thread's latest, as usual).
 */
async function admit(
	ctx: ServerContext,
	threadId: string,
	b: RunCreateBody,
): Promise<string | null | undefined> {
	const strategy = b.multitask_strategy ?? "reject";
	// refused before anything is cancelled: an `interrupt` or `rollback` that cannot start its run stops none
	if (ctx.runs.closing) throw shuttingDown();
	const active = ctx.runs.activeRun(threadId);
	// enqueue: the new run waits behind the active one (the executor starts it when that one ends)
	if (active !== undefined && strategy === "enqueue") return undefined;
	let rolledBack: string | undefined;
	if (
		active !== undefined &&
		(strategy === "interrupt" || strategy === "rollback")
	) {
		// every in-flight run of the thread, as LangGraph's server does: the runs enqueued behind the active
		// one (newest first, so that none is started as the one ahead of it ends), then the running one.
		// Only the newest used to be stopped: a queued one, while the running one kept the thread's lease
		const inFlight = ctx.registry
			.runsOf(threadId)
			.filter((r) => r.status === "pending" || r.status === "running")
			.sort(
				(a, b) =>
					Number(a.status === "running") - Number(b.status === "running"),
			);
		// a queued run behind a running one is cancelled at once: waiting for it (in process) would wait
		// for the run ahead; one with none ahead is waited for (a worker may be starting it)
		const running = inFlight.some((r) => r.status === "running");
		for (const run of inFlight) {
			const wait = run.status === "running" || !running;
			if (strategy === "interrupt") await ctx.runs.cancel(run, wait);
			else {
				await rollBack(ctx, run, wait);
				rolledBack = run.runId;
			}
		}
	} else if (active !== undefined)
		throw threadBusy(threadId, `run ${active.runId} is ${active.status}`);
	const lease = (await threadLeaseOf(ctx.checkpointer, threadId))?.lease;
	if (
		lease != null &&
		Date.parse(lease.expiresAt) > Date.now() &&
		!(await stoppedOnAdmission(ctx, threadId, strategy))
	)
		throw threadBusy(
			threadId,
			`runner ${lease.owner} holds its lease until ${lease.expiresAt}`,
			// no run of the server's: another process (the CLI, a dead one's lease not lapsed yet)
			"retry once that runner is done or its lease has lapsed (the thread reads stale then: a run goes on from where it stopped)",
		);
	// the rolled-back run has stopped and released the thread: it commits nothing more; the new run
	// starts where the thread reads as now (before it, and before any earlier rolled-back run)
	const thread = ctx.registry.threads.get(threadId);
	if (thread === undefined) return undefined;
	if (rolledBack === undefined && active !== undefined) return undefined;
	return headOf(ctx, thread);
}

/**
 * Whether the thread's lease is held by a run of the server that the new run's admission stops: with
 * `interrupt` or `rollback`, one another request was admitted with while this one stopped the runs it
 * knew of (its worker may have taken the lease already; it is in the records by now, decision 0215).
 */
async function stoppedOnAdmission(
	ctx: ServerContext,
	threadId: string,
	strategy: string,
): Promise<boolean> {
	if (strategy !== "interrupt" && strategy !== "rollback") return false;
	await ctx.runs.caughtUp();
	return ctx.runs.activeRun(threadId) !== undefined;
}

/**
 * Rolls a run back (`runs.cancel(…, "rollback")`, `multitask_strategy: "rollback"`): cancels it, waits
 * until it has stopped, deletes its record, and has its thread read as before it (`headOf`). Its
 * checkpoints stay in the store as an abandoned branch (decision 0036).
 */
async function rollBack(
	ctx: ServerContext,
	run: RunRecord,
	wait = true,
): Promise<void> {
	await ctx.runs.cancel(run, wait);
	ctx.registry.runs.delete(run.runId);
	const thread = ctx.registry.threads.get(run.threadId);
	if (thread === undefined) return;
	// a resume that took its answer and committed no step: the question is pending again (decision 0214)
	const at = await headOf(ctx, thread);
	if (at !== null)
		await unanswer(ctx.checkpointer, run.threadId, run, at ?? undefined);
	thread.rolledBack = [...(thread.rolledBack ?? []), run.runId];
}
