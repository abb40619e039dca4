import { isWeftError, WeftError } from "@weft/checkpoint";
import { Command, type CompiledGraph, type StreamMode } from "@weft/graph";
import { DebugModes } from "./debug-modes.ts";
import { EventsMode } from "./events-mode.ts";
import { runErrorOf } from "./http-errors.ts";
import { MessagesMode } from "./messages-mode.ts";
import { ReturnedMessages } from "./returned-messages.ts";
import type { RunRequest } from "./rollback.ts";
import { topLevelNodes } from "./run-checks.ts";
import type { RunLifecycleEvent } from "./run-lifecycle.ts";
import { committedEvents, endedRun, goesOn, startState } from "./run-start.ts";
import { runCheckpointId, type StreamModeName } from "./schemas.ts";
import { SubgraphEvents } from "./subgraph-events.ts";
import { leaseReleased } from "./thread-lease.ts";
import type { RunRecord } from "./thread-registry.ts";
import { messageMetadata, namespaceOf } from "./wire-ids.ts";
import {
	fromWire,
	messageDict,
	type PendingLike,
	toWire,
	wireInterrupts,
	withInterrupts,
} from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

const MODES: Partial<Record<StreamModeName, StreamMode>> = {
	values: "values",
	updates: "updates",
	custom: "custom",
	"messages-tuple": "messages",
	messages: "messages",
};

/**
 * Why a server stopped a run before its end (the abort reason of its signal): out of time (`timeout`),
 * handed to another worker at shutdown (`handover`), or its process is stopping (`shutdown`).
 */
export class RunStop extends WeftError {
	readonly why: "timeout" | "handover" | "shutdown";
	constructor(why: "timeout" | "handover" | "shutdown", runId: string) {
		super(
			"RUN_CANCELLED",
			why === "timeout"
				? `run ${runId} ran out of time`
				: why === "handover"
					? `run ${runId} was handed over: its worker is shutting down`
					: `run ${runId} was stopped: its server is shutting down`,
		);
		this.why = why;
	}
}

/** The status a stopped run ends with: `timeout` when it ran out of time, else the outcome's. */
export function stoppedOutcome(
	signal: AbortSignal,
	outcome: RunLifecycleEvent["type"],
): RunLifecycleEvent["type"] {
	const reason = signal.reason;
	return outcome === "CANCEL" &&
		reason instanceof RunStop &&
		reason.why === "timeout"
		? "TIME_OUT"
		: outcome;
}

/** Where a run's events go (an in-process log, or the run's rows in Postgres). */
export interface RunSink {
	signal: AbortSignal;
	push(event: string, data: unknown): void;
	/**
	 * The run is pausing (its interrupt's events come next, then its end): a sink whose readers could see
	 * them before the run's status reads `interrupted` keeps them for the status's own write, so that a
	 * client answering the moment it sees the interrupt does not find the run still running.
	 */
	pausing?(): void;
}

/** How a run ended: its final values (LangGraph's shape) and the lifecycle event that ends it. */
export interface RunOutcome {
	output: Record<string, unknown>;
	outcome: RunLifecycleEvent["type"];
}

/** Options of `executeRun`. */
export interface ExecuteOptions {
	/** Which attempt at the run this is (1, 2, …; in its `metadata` event). */
	attempt?: number | undefined;
	/**
	 * Go on from the thread's newest checkpoint (an earlier attempt died) instead of starting from the
	 * run's input.
	 */
	recover?: boolean | undefined;
	/**
	 * With `recover`: how many `updates` and `values` events the earlier attempts stored. The steps they
	 * committed are sent again from the thread's checkpoints, minus those events, before the run goes on:
	 * each event reaches the stream once. Undefined: unknown, nothing is sent again.
	 */
	sent?: number | undefined;
	/**
	 * A run whose store went away (STORE_UNAVAILABLE: its connections lost, the database restarting) ends
	 * with `RELEASE` instead of failing, and sends no `error` event: the caller gives it to a later attempt,
	 * which goes on from the last checkpoint once the store is back.
	 */
	releaseOnStoreLoss?: boolean | undefined;
}

/**
 * How long a run the server admitted waits for its thread's lease (decision 0165). It was admitted with no
 * other run of the thread pending or running, so a lease held when it starts is one about to lapse or be
 * given up: a lease whose release was cut off with its connection, the sweep's fence whose release was,
 * or a worker cut off from the database that renewed its lease after its run was taken back from it (it
 * runs on to its end, then gives the lease up; this attempt goes on from its last checkpoint). Past
 * this, `THREAD_BUSY` as before; a cancel ends the wait.
 */
export const RUN_LEASE_WAIT_MS = 30_000;

/**
 * Runs a graph for one server run and sends its events in LangGraph's wire shapes. With `recover`, the run
 * goes on from the thread's newest checkpoint (its first runner died) instead of starting from its input.
 * Every checkpoint the run writes carries the run's metadata, its graph, assistant and thread, and its
 * id (`metadata.run_id`), as LangGraph's do: `getHistory({ metadata })` finds them by any of those.
 */
export async function executeRun(
	graph: AnyGraph,
	run: RunRecord,
	body: RunRequest,
	sink: RunSink,
	options: ExecuteOptions = {},
): Promise<RunOutcome> {
	// `updates` and `values` events are counted from the run's start (across attempts): a recovered attempt
	// rebuilds the ones of the steps committed before it and skips the first `sent`, which are stored. More
	// stored than rebuilt: the dead attempt had also stored its interrupt's, which this one sends again
	// when it stops at the same interrupt; anything else it sends (it went on) is new and not skipped.
	const replay = options.recover === true && options.sent !== undefined;
	let skip = replay ? options.sent! : 0;
	let rebuilt = Number.POSITIVE_INFINITY;
	let counted = 0;
	const emit = (
		event: "updates" | "values",
		data: unknown,
		interrupt = false,
	) => {
		if (counted < skip && counted >= rebuilt && !interrupt) skip = counted;
		if (counted++ >= skip) sink.push(event, toWire(data));
	};
	const requested = new Set<StreamModeName>(
		body.stream_mode === undefined
			? ["values"]
			: typeof body.stream_mode === "string"
				? [body.stream_mode]
				: body.stream_mode,
	);
	const modes = [...requested].flatMap((m) =>
		MODES[m] === undefined ? [] : [MODES[m]!],
	);
	// messages-tuple also sends the messages nodes return without streaming: it reads the updates
	const returned = requested.has("messages-tuple")
		? new ReturnedMessages()
		: undefined;
	if (returned !== undefined && !modes.includes("updates"))
		modes.push("updates");
	const input =
		options.recover === true
			? null
			: body.command != null
				? // `resume` only when sent: a command of `update` alone goes on without answering
					new Command({
						...("resume" in body.command
							? { resume: body.command.resume }
							: {}),
						update: body.command.update ?? undefined,
					})
				: await fromWire(body.input ?? null).catch(() => body.input ?? null);
	const checkpointId =
		options.recover === true
			? undefined
			: (runCheckpointId(body) ?? body.rollback_start);
	const sendInterrupt = (given: readonly PendingLike[]) => {
		const interrupts = wireInterrupts(given);
		if (requested.has("updates"))
			emit("updates", { __interrupt__: interrupts }, true);
		if (requested.has("values"))
			emit("values", { ...values, __interrupt__: interrupts }, true);
	};
	sink.push("metadata", { run_id: run.runId, attempt: options.attempt ?? 1 });
	// on every checkpoint the run writes, and (as LangGraph's config metadata) beside its message chunks
	const runMetadata = checkpointMetadata(run);
	const older = requested.has("messages")
		? new MessagesMode((event, data) => sink.push(event, data))
		: undefined;
	// LangChain's stream events (`events`): read from task, message, checkpoint and update events
	const streamEvents = requested.has("events")
		? new EventsMode(
				(event, data) => sink.push(event, data),
				run.runId,
				runMetadata,
				checkpointId ?? undefined,
			)
		: undefined;
	if (streamEvents !== undefined) {
		if (!modes.includes("updates")) modes.push("updates");
		if (!modes.includes("messages")) modes.push("messages");
	}
	// checkpoints, tasks, debug: only for a run that asks for one (they read each checkpoint back)
	const debug = DebugModes.of(graph, requested, sink, {
		threadId: run.threadId,
		checkpointId: checkpointId ?? undefined,
		metadata: runMetadata,
	});
	// a subgraph's own events too (`stream_subgraphs`), named by their namespace
	const nested = body.stream_subgraphs === true;
	const subgraphs = nested
		? new SubgraphEvents(
				requested,
				sink,
				returned === undefined
					? undefined
					: { messages: returned, metadata: runMetadata },
			)
		: undefined;
	let values: Record<string, unknown> = {};
	let result: RunOutcome = { output: {}, outcome: "FAIL" };
	try {
		if (replay) {
			for (const [event, data] of await committedEvents(
				graph,
				run,
				requested,
				goesOn(body),
			))
				emit(event, data);
			rebuilt = counted;
		}
		// the dead attempt's graph had ended (paused or done) and only the run's status was not written:
		// going on would run past an `interrupt_before` pause; the run ends as the graph did
		const ended =
			options.recover === true ? await endedRun(graph, run) : undefined;
		if (ended !== undefined) {
			values = ended.values;
			if (ended.paused) {
				sink.pausing?.();
				sendInterrupt(ended.interrupts);
			}
			streamEvents?.end(values);
			result = {
				output: withInterrupts(values, ended.interrupts),
				outcome: ended.paused ? "INTERRUPT" : "SUCCEED",
			};
		} else {
			if (input instanceof Command) await debug?.resuming();
			// as LangGraph's: a run that goes on from a checkpoint (a resume, input null) first sends the
			// state it goes on from (one with input or an update sends it once applied: the runtime does);
			// a next attempt has rebuilt it with the committed steps (`committedEvents`)
			// (and messages-tuple's returned messages leave out those the resumed nodes read)
			if (
				options.recover !== true &&
				goesOn(body) &&
				(requested.has("values") ||
					returned !== undefined ||
					streamEvents !== undefined)
			) {
				const start = await startState(graph, run.threadId, checkpointId);
				if (start !== undefined) {
					values = start;
					returned?.state(start);
					if (requested.has("values")) emit("values", start);
				}
			}
			// a next attempt goes on with the graph's run its first attempt started
			if (options.recover !== true)
				streamEvents?.start(body.input ?? null, body.command ?? undefined);
			for await (const ev of graph.stream(input as never, {
				threadId: run.threadId,
				checkpointId,
				metadata: runMetadata,
				signal: sink.signal,
				waitForLease: RUN_LEASE_WAIT_MS,
				recursionLimit: body.config?.recursion_limit,
				context: body.context,
				interruptBefore: nodeList(graph, body.interrupt_before),
				interruptAfter: nodeList(graph, body.interrupt_after),
				mode:
					debug === undefined && streamEvents === undefined
						? ["values", ...modes]
						: ["values", ...modes, "checkpoints", "debug"],
				subgraphs: nested,
			})) {
				if (ev.type === "message") {
					const chunk = ev.chunk as Parameters<typeof messageDict>[0];
					// as LangGraph's: the run's, where the chunk came from, then what its model reports of itself
					const metadata = {
						...runMetadata,
						...messageMetadata(ev),
						...ev.modelParams,
					};
					returned?.streamed(chunk);
					if (requested.has("messages-tuple"))
						sink.push(
							nested && ev.tasks.length > 1
								? `messages|${namespaceOf(ev.tasks.slice(0, -1))}`
								: "messages",
							[messageDict(chunk), metadata],
						);
					older?.chunk(chunk, metadata);
					streamEvents?.chunk(chunk, ev);
				} else if (nested && "namespace" in ev && ev.namespace !== undefined)
					subgraphs?.send(ev);
				else if (ev.type === "values") {
					subgraphs?.stepEnded();
					values = ev.data as Record<string, unknown>;
					streamEvents?.stepSaved(values);
					returned?.state(values);
					if (requested.has("values")) emit("values", values);
					older?.values(values);
				} else if (ev.type === "update") {
					if (requested.has("updates")) emit("updates", { [ev.node]: ev.data });
					streamEvents?.update(ev.task.id, ev.data);
					const origin = { step: ev.step, tasks: [ev.task] };
					for (const m of returned?.fresh(ev.data) ?? [])
						sink.push("messages", [
							messageDict(m),
							{ ...runMetadata, ...messageMetadata(origin) },
						]);
				} else if (ev.type === "custom" && requested.has("custom"))
					sink.push("custom", toWire(ev.data));
				else if (ev.type === "checkpoint") {
					streamEvents?.checkpoint(ev.checkpointId);
					await debug?.checkpoint(ev.checkpointId);
				} else if (ev.type === "task") {
					if (ev.phase === "start" && ev.reused !== true) {
						streamEvents?.taskStart(ev.step, ev.node, ev.id, values);
						await debug?.taskStart(ev.id, ev.step);
					}
				} else if (ev.type === "interrupt") {
					sink.pausing?.();
					await debug?.paused();
					subgraphs?.paused(ev.interrupts);
					sendInterrupt(ev.interrupts);
				} else if (ev.type === "end") {
					values = ev.result.values as Record<string, unknown>;
					// a cancelled run's graph did not end: LangGraph's stream stops at its last event
					if (ev.result.status !== "cancelled") streamEvents?.end(values);
					result = {
						output: withInterrupts(values, ev.result.interrupts),
						outcome:
							ev.result.status === "interrupted"
								? "INTERRUPT"
								: ev.result.status === "cancelled"
									? "CANCEL"
									: "SUCCEED",
					};
				}
			}
		}
	} catch (error) {
		await debug?.failed().catch(() => {});
		const failure = runErrorOf(error);
		const released =
			options.releaseOnStoreLoss === true &&
			!sink.signal.aborted &&
			failure.error === "STORE_UNAVAILABLE";
		if (!released) sink.push("error", failure);
		result = {
			output: { ...values, __error__: failure },
			outcome: sink.signal.aborted
				? "CANCEL"
				: released
					? "RELEASE"
					: isWeftError(error) && error.code === "NODE_TIMEOUT"
						? "TIME_OUT"
						: "FAIL",
		};
	}
	// a cancelled run gives its thread's lease up once the step in flight has settled: the run ends (and
	// a run waiting behind it, or a rollback's new run, starts) only when the thread is free
	if (result.outcome === "CANCEL" && graph.checkpointer !== undefined)
		await leaseReleased(graph.checkpointer, run.threadId);
	return result;
}

/** What every checkpoint of a run records besides its step: the run's metadata, then where it ran. */
function checkpointMetadata(
	run: RunRecord,
): Record<string, string | number | boolean | null> {
	// checkpoint metadata is JSON (the runtime checks it is plain data); the run config types scalars only
	return {
		...run.metadata,
		graph_id: run.graphId,
		assistant_id: run.assistantId,
		thread_id: run.threadId,
		run_id: run.runId,
	} as Record<string, string | number | boolean | null>;
}

function nodeList(
	graph: AnyGraph,
	v: "*" | string[] | undefined,
): string[] | undefined {
	if (v !== "*") return v;
	return [...topLevelNodes(graph)];
}
