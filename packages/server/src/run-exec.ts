import { type Checkpointer, isWeftError, WeftError } from "@weft/checkpoint";
import { Command, type CompiledGraph, type StreamMode } from "@weft/graph";
import { toHttpError } from "./http-errors.ts";
import type { RunLifecycleEvent } from "./run-lifecycle.ts";
import type { RunCreateBody, StreamModeName } from "./schemas.ts";
import type { RunRecord } from "./thread-registry.ts";
import { fromWire, messageDict, toWire } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

const MODES: Partial<Record<StreamModeName, StreamMode>> = {
	values: "values",
	updates: "updates",
	custom: "custom",
	"messages-tuple": "messages",
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
}

/** How a run ended: its final values (LangGraph's shape) and the lifecycle event that ends it. */
export interface RunOutcome {
	output: Record<string, unknown>;
	outcome: RunLifecycleEvent["type"];
}

/**
 * Runs a graph for one server run and sends its events in LangGraph's wire shapes. With `recover`, the run
 * goes on from the thread's newest checkpoint (its first runner died) instead of starting from its input.
 */
export async function executeRun(
	graph: AnyGraph,
	run: RunRecord,
	body: RunCreateBody,
	sink: RunSink,
	options: { attempt?: number; recover?: boolean } = {},
): Promise<RunOutcome> {
	const emit = (event: string, data: unknown) => sink.push(event, toWire(data));
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
	const input =
		options.recover === true
			? null
			: body.command != null
				? new Command({
						resume: body.command.resume,
						update: body.command.update,
					})
				: await fromWire(body.input ?? null).catch(() => body.input ?? null);
	const checkpointId =
		options.recover === true
			? undefined
			: (body.checkpoint_id ?? body.checkpoint?.checkpoint_id);
	sink.push("metadata", { run_id: run.runId, attempt: options.attempt ?? 1 });
	let values: Record<string, unknown> = {};
	let result: RunOutcome = { output: {}, outcome: "FAIL" };
	try {
		for await (const ev of graph.stream(input as never, {
			threadId: run.threadId,
			checkpointId,
			signal: sink.signal,
			recursionLimit: body.config?.recursion_limit,
			context: body.context,
			interruptBefore: nodeList(graph, body.interrupt_before),
			interruptAfter: nodeList(graph, body.interrupt_after),
			mode: ["values", ...modes],
		})) {
			if (ev.type === "message" && requested.has("messages-tuple"))
				sink.push("messages", [
					messageDict(ev.chunk as Parameters<typeof messageDict>[0]),
					{ langgraph_node: ev.node },
				]);
			else if (ev.type === "values") {
				values = ev.data as Record<string, unknown>;
				if (requested.has("values")) emit("values", values);
			} else if (ev.type === "update" && requested.has("updates"))
				emit("updates", { [ev.node]: ev.data });
			else if (ev.type === "custom" && requested.has("custom"))
				sink.push("custom", ev.data);
			else if (ev.type === "interrupt") {
				const interrupts = ev.interrupts.map((i) => ({
					id: i.id,
					value: i.value,
				}));
				if (requested.has("updates"))
					emit("updates", { __interrupt__: interrupts });
				if (requested.has("values"))
					emit("values", { ...values, __interrupt__: interrupts });
			} else if (ev.type === "end") {
				values = ev.result.values as Record<string, unknown>;
				const interrupts = ev.result.interrupts.map((i) => ({
					id: i.id,
					value: i.value,
				}));
				result = {
					output:
						interrupts.length > 0
							? { ...values, __interrupt__: interrupts }
							: values,
					outcome:
						ev.result.status === "interrupted"
							? "INTERRUPT"
							: ev.result.status === "cancelled"
								? "CANCEL"
								: ev.result.status === "failed"
									? "FAIL"
									: "SUCCEED",
				};
			}
		}
	} catch (error) {
		const { body: detail } = toHttpError(error);
		sink.push("error", { error: detail.code, message: detail.detail });
		result = {
			output: {
				...values,
				__error__: { error: detail.code, message: detail.detail },
			},
			outcome: sink.signal.aborted
				? "CANCEL"
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

/**
 * Waits until the thread's lease is released or has expired; false when it is still held after `ms`
 * (a step that ignores its signal keeps it until it expires).
 */
export async function leaseReleased(
	checkpointer: Checkpointer,
	threadId: string,
	ms = 5000,
): Promise<boolean> {
	const until = Date.now() + ms;
	for (;;) {
		const lease = (await checkpointer.getThread(threadId))?.lease;
		if (lease == null || Date.parse(lease.expiresAt) <= Date.now()) return true;
		if (Date.now() >= until) return false;
		await new Promise((r) => setTimeout(r, 20));
	}
}

function nodeList(
	graph: AnyGraph,
	v: "*" | string[] | undefined,
): string[] | undefined {
	if (v !== "*") return v;
	return graphNodes(graph);
}

/** The node names of a graph, from its diagram. */
export function graphNodes(graph: AnyGraph): string[] {
	const nodes = new Set<string>();
	for (const m of graph.toMermaid().matchAll(/^\s*([A-Za-z0-9_-]+)[[(]/gm)) {
		const id = m[1]!;
		if (id !== "__start__" && id !== "__end__" && id !== "flowchart")
			nodes.add(id);
	}
	return [...nodes];
}
