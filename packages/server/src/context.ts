import {
	type Checkpointer,
	type Store,
	validateId,
	WeftError,
} from "@weft/checkpoint";
import type { CompiledGraph, StateSnapshot } from "@weft/graph";
import type { Context } from "hono";
import { notFound } from "./http-errors.ts";
import type { RunExecutor } from "./run-executor.ts";
import { storeMadeThread } from "./store-made-graph.ts";
import type { ThreadRecord, ThreadRegistry } from "./thread-registry.ts";
import { assistantId, formerAssistantId, wireTaskId } from "./wire-ids.ts";
import { toWire, wireInterrupts } from "./wire-values.ts";

export { assistantId };

type AnyGraph = CompiledGraph<any, any>;

/** Who is calling: `identity` owns what it creates. */
export interface AuthUser {
	identity: string;
	scopes?: string[] | undefined;
}

/** Decides who sent a request; null (or a throw) refuses it with 401. */
export type Authenticate = (
	request: Request,
) => Promise<AuthUser | null> | AuthUser | null;

/** What every route needs. */
export interface ServerContext {
	graphs: Map<string, AnyGraph>;
	checkpointer: Checkpointer;
	registry: ThreadRegistry;
	runs: RunExecutor;
	/** Long-term memory for `/store` and for runs (`ctx.store`, scoped by owner), when configured. */
	store?: Store | undefined;
	/** The scope needed to answer a human checkpoint (all graphs, or per graph name). */
	answerScope?: string | Readonly<Record<string, string>> | undefined;
	/** Runs of one assistant pending or running at once (all graphs, or per graph name). */
	maxRunsPerAssistant?: number | Readonly<Record<string, number>> | undefined;
	/** When the graphs were registered (the server started): its assistants' `created_at`. */
	registeredAt: string;
	/** Silence after which a stream or a wait sends a keep-alive (0: never; `AppOptions.heartbeatMs`). */
	heartbeatMs: number;
	/** The registered graph a recorded module#export is (`AppOptions.graphOfModule`). */
	graphOfModule?: ((recorded: string) => string | undefined) | undefined;
}

/** Refuses (403 `FORBIDDEN`) a caller without the scope `answerScope` asks for answering `graphId`'s checkpoints. */
export function requireAnswerScope(
	ctx: ServerContext,
	c: Context<Env>,
	graphId: string,
): void {
	const scope = perGraph(ctx.answerScope, graphId);
	if (scope === undefined || c.get("user")?.scopes?.includes(scope) === true)
		return;
	throw new WeftError(
		"FORBIDDEN",
		`answering a human checkpoint of "${graphId}" needs the scope "${scope}"`,
		{ hint: `have a caller with the "${scope}" scope answer it` },
	);
}

/**
 * Refuses (403) a caller without `answerScope` when the thread waits at a human checkpoint at
 * `checkpointId` (its newest without one): what would write past it (an update, new input) answers it.
 */
export async function requireAnswerScopeIfWaiting(
	ctx: ServerContext,
	c: Context<Env>,
	graph: AnyGraph | undefined,
	graphId: string,
	at: { threadId: string; checkpointId?: string | undefined },
): Promise<void> {
	if (perGraph(ctx.answerScope, graphId) === undefined) return;
	// a read that fails is the request's answer (an outage: 503), never a pass: the check fails closed
	const snap = await graph?.getState(at);
	if ((snap?.interrupts.length ?? 0) > 0) requireAnswerScope(ctx, c, graphId);
}

/** The value of a per-server-or-per-graph option for `graphId`. */
export function perGraph<T extends string | number>(
	option: T | Readonly<Record<string, T>> | undefined,
	graphId: string,
): T | undefined {
	return typeof option === "object" ? option[graphId] : option;
}

/** Hono variables set by the auth middleware. */
export type Env = { Variables: { user: AuthUser | undefined } };

/** The caller's identity (undefined when the server has no auth). */
export const ownerOf = (c: Context<Env>): string | undefined =>
	c.get("user")?.identity;

/** The graph name of an assistant id (LangGraph's, or Weft's former one) or graph name. */
export function graphIdOf(ctx: ServerContext, id: string): string {
	if (ctx.graphs.has(id)) return id;
	for (const name of ctx.graphs.keys())
		if (assistantId(name) === id || formerAssistantId(name) === id) return name;
	// assistants have no owner: the hint names what can be asked for instead
	const names = [...ctx.graphs.keys()];
	throw new WeftError("NOT_FOUND", `no assistant "${id}"`, {
		hint:
			names.length === 0
				? "this server has no graph registered: start it with --graph name=module#export"
				: `use a registered graph's name (${names.join(", ")}) or its assistant_id from POST /assistants/search`,
	});
}

/**
 * A thread the caller owns: from this process's records, else from the store (unowned, made by the library
 * or the CLI: kept in the records from now on; only a caller without identity reads one).
 */
export async function ownedThread(
	ctx: ServerContext,
	c: Context<Env>,
	threadId: string,
): Promise<ThreadRecord> {
	// an id no thread can have (too long, a NUL) is 422 INVALID_ID, as at creation (decision 0242)
	validateId(threadId);
	const known = await ctx.registry.findThread(threadId);
	if (known !== undefined) {
		if (known.owner !== ownerOf(c)) throw notFound("thread", threadId);
		return known;
	}
	// a store that fails (an outage: 503) is not a thread that is missing (404): its error goes up as is
	const stored = await ctx.checkpointer.getThread(threadId);
	if (stored === undefined || ownerOf(c) !== undefined)
		throw notFound("thread", threadId);
	const record = await storeMadeThread(ctx, stored);
	// a concurrent request may have kept it meanwhile: that record stays
	if (!ctx.registry.threads.has(threadId))
		ctx.registry.threads.set(threadId, record);
	return ctx.registry.threads.get(threadId)!;
}

/** The graph a thread runs (its recorded one, else the only registered one). */
export function graphOfThread(
	ctx: ServerContext,
	thread: ThreadRecord,
): AnyGraph | undefined {
	if (thread.graphId !== undefined) return ctx.graphs.get(thread.graphId);
	return ctx.graphs.size === 1 ? [...ctx.graphs.values()][0] : undefined;
}

/**
 * The task that raised each pending interrupt of a snapshot, by interrupt id: read from its checkpoint's
 * pending writes (several tasks of one node, Send's fan-out, each ask on their own). Empty when none waits.
 */
export async function interruptTasks(
	checkpointer: Checkpointer,
	snap: StateSnapshot,
): Promise<ReadonlyMap<string, string>> {
	const out = new Map<string, string>();
	if (snap.interrupts.length === 0) return out;
	const tuple = await checkpointer.getTuple({
		threadId: snap.threadId,
		checkpointId: snap.checkpointId,
	});
	for (const w of tuple?.pendingWrites ?? [])
		if (w.kind === "interrupt") out.set(w.id, w.taskId);
	return out;
}

/**
 * A snapshot's pending interrupts by the wire id (`wireTaskId`) of the task that asked (as LangGraph keys
 * `thread.interrupts` and lists `tasks[].interrupts`): by `taskOf` (`interruptTasks`), else the first task of the node that
 * asked; one the tasks do not account for goes under the checkpoint's id.
 */
export function interruptsByTask(
	snap: StateSnapshot,
	taskOf: ReadonlyMap<string, string> = new Map(),
): Record<string, Array<{ id: string; value: unknown }>> {
	const out: Record<string, Array<{ id: string; value: unknown }>> = {};
	for (const i of snap.interrupts) {
		const asked = taskOf.get(i.id);
		const task =
			snap.tasks.find((t) => t.id === asked) ??
			snap.tasks.find((t) => t.node === i.node);
		const key =
			task === undefined
				? snap.checkpointId
				: wireTaskId(snap.checkpointId, task.id);
		// a pause's task is keyed with no interrupt listed, as LangGraph's (`wireInterrupts`)
		const list = out[key] ?? [];
		list.push(...wireInterrupts([i]));
		out[key] = list;
	}
	return out;
}

/**
 * A Weft state snapshot in LangGraph's `ThreadState` shape (`taskOf`: see `interruptTasks`). `results`:
 * what each of its tasks wrote (by task id; `null`: none ran), as LangGraph's `tasks[].result`; when
 * undefined (not known here) the tasks have no `result`.
 */
export function toThreadState(
	snap: StateSnapshot,
	taskOf?: ReadonlyMap<string, string>,
	results?: Readonly<Record<string, unknown>> | null,
) {
	const checkpoint = (id: string) => ({
		thread_id: snap.threadId,
		checkpoint_ns: "",
		checkpoint_id: id,
		checkpoint_map: null,
	});
	const interrupts = wireInterrupts(snap.interrupts);
	const byTask = interruptsByTask(snap, taskOf);
	return {
		values: toWire(snap.values),
		next: snap.next,
		tasks: snap.tasks.map((t) => ({
			id: wireTaskId(snap.checkpointId, t.id),
			name: t.node,
			// LangGraph gives the error as text: the type and message of the exception
			error:
				snap.errors?.[t.id] === undefined
					? null
					: `${snap.errors[t.id]!.code}: ${snap.errors[t.id]!.message}`,
			interrupts: byTask[wireTaskId(snap.checkpointId, t.id)] ?? [],
			checkpoint: null,
			state: null,
			...(results === undefined
				? {}
				: {
						result:
							results?.[t.id] === undefined ? null : toWire(results[t.id]),
					}),
		})),
		checkpoint: checkpoint(snap.checkpointId),
		parent_checkpoint:
			snap.parentCheckpointId === null
				? null
				: checkpoint(snap.parentCheckpointId),
		metadata: { ...snap.metadata, step: snap.step, source: snap.source },
		created_at: snap.createdAt,
		interrupts,
	};
}
