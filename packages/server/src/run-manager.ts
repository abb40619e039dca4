import { randomUUID } from "node:crypto";
import { isWeftError, WeftError } from "@weft/checkpoint";
import { Command, type CompiledGraph, type StreamMode } from "@weft/graph";
import { toHttpError } from "./http-errors.ts";
import { RunEventLog } from "./run-events.ts";
import { nextRunStatus, type RunLifecycleEvent } from "./run-lifecycle.ts";
import type { RunCreateBody, StreamModeName } from "./schemas.ts";
import type { RunRecord, ThreadRegistry } from "./thread-registry.ts";
import { fromWire, messageDict, toWire } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

/** A run being executed in this process. */
interface LiveRun {
	log: RunEventLog;
	controller: AbortController;
	done: Promise<void>;
	/** The final values (with `__interrupt__` / `__error__` as LangGraph reports them). */
	output: Record<string, unknown>;
}

const MODES: Partial<Record<StreamModeName, StreamMode>> = {
	values: "values",
	updates: "updates",
	custom: "custom",
	"messages-tuple": "messages",
};

/** Executes runs in process, on the server's checkpointer, and keeps their event logs. */
export class RunManager {
	readonly #registry: ThreadRegistry;
	readonly #live = new Map<string, LiveRun>();

	constructor(registry: ThreadRegistry) {
		this.#registry = registry;
	}

	/** Whether a run of this thread is pending or running in this process. */
	activeRun(threadId: string): RunRecord | undefined {
		return this.#registry
			.runsOf(threadId)
			.find((r) => r.status === "pending" || r.status === "running");
	}

	/** Starts a run; it goes on whether or not anyone reads its events. */
	start(
		graph: AnyGraph,
		init: Omit<RunRecord, "runId" | "status" | "createdAt" | "updatedAt">,
		body: RunCreateBody,
	): RunRecord {
		const now = new Date().toISOString();
		const runId = randomUUID();
		this.#registry.runs.set(runId, {
			...init,
			runId,
			status: "pending",
			createdAt: now,
			updatedAt: now,
		});
		const run = this.#registry.runs.get(runId)!;
		const live: LiveRun = {
			log: new RunEventLog(),
			controller: new AbortController(),
			done: Promise.resolve(),
			output: {},
		};
		this.#live.set(run.runId, live);
		live.done = this.#execute(graph, run, live, body);
		return run;
	}

	#move(run: RunRecord, type: RunLifecycleEvent["type"]): void {
		const next = nextRunStatus(run.status, type);
		if (next === undefined) return;
		run.status = next;
		run.updatedAt = new Date().toISOString();
	}

	async #execute(
		graph: AnyGraph,
		run: RunRecord,
		live: LiveRun,
		body: RunCreateBody,
	): Promise<void> {
		const { log } = live;
		const emit = (event: string, data: unknown) =>
			log.push(event, toWire(data));
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
			body.command != null
				? new Command({
						resume: body.command.resume,
						update: body.command.update,
					})
				: await fromWire(body.input ?? null).catch(() => body.input ?? null);
		const checkpointId = body.checkpoint_id ?? body.checkpoint?.checkpoint_id;
		await Promise.resolve();
		this.#move(run, "START");
		log.push("metadata", { run_id: run.runId, attempt: 1 });
		let values: Record<string, unknown> = {};
		try {
			for await (const ev of graph.stream(input as never, {
				threadId: run.threadId,
				checkpointId,
				signal: live.controller.signal,
				recursionLimit: body.config?.recursion_limit,
				context: body.context,
				interruptBefore: nodeList(graph, body.interrupt_before),
				interruptAfter: nodeList(graph, body.interrupt_after),
				mode: ["values", ...modes],
			})) {
				if (ev.type === "message" && requested.has("messages-tuple"))
					log.push("messages", [
						messageDict(ev.chunk as Parameters<typeof messageDict>[0]),
						{ langgraph_node: ev.node },
					]);
				else if (ev.type === "values") {
					values = ev.data as Record<string, unknown>;
					if (requested.has("values")) emit("values", values);
				} else if (ev.type === "update" && requested.has("updates"))
					emit("updates", { [ev.node]: ev.data });
				else if (ev.type === "custom" && requested.has("custom"))
					log.push("custom", ev.data);
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
					live.output =
						interrupts.length > 0
							? { ...values, __interrupt__: interrupts }
							: values;
					this.#move(
						run,
						ev.result.status === "interrupted"
							? "INTERRUPT"
							: ev.result.status === "cancelled"
								? "CANCEL"
								: ev.result.status === "failed"
									? "FAIL"
									: "SUCCEED",
					);
				}
			}
		} catch (error) {
			const cancelled = live.controller.signal.aborted;
			this.#move(
				run,
				cancelled
					? "CANCEL"
					: isWeftError(error) && error.code === "NODE_TIMEOUT"
						? "TIME_OUT"
						: "FAIL",
			);
			const { body: detail } = toHttpError(error);
			live.output = {
				...values,
				__error__: { error: detail.code, message: detail.detail },
			};
			log.push("error", { error: detail.code, message: detail.detail });
		} finally {
			// a stream always ends with `end` or throws; a run still "running" here would never end
			if (run.status === "running") this.#move(run, "FAIL");
			log.close();
		}
	}

	/** The event log of a run of this process. */
	events(runId: string): RunEventLog | undefined {
		return this.#live.get(runId)?.log;
	}

	/** Waits for the run to end; returns its final values as LangGraph does. */
	async join(runId: string): Promise<Record<string, unknown>> {
		const live = this.#live.get(runId);
		if (live === undefined) return {};
		await live.done;
		return toWire(live.output) as Record<string, unknown>;
	}

	/** Cancels a run: its nodes see `ctx.signal` aborted; the last checkpoint stays valid. */
	async cancel(run: RunRecord, wait: boolean): Promise<void> {
		const live = this.#live.get(run.runId);
		if (run.status === "pending") this.#move(run, "CANCEL");
		live?.controller.abort(
			new WeftError("RUN_CANCELLED", `run ${run.runId} was cancelled`),
		);
		if (wait) await live?.done;
	}

	/**
	 * Runs recorded as pending or running by a process that is gone (after a restart): none of them is
	 * executing any more, so they end (`error` if started, else `cancelled`); their last checkpoint stays.
	 */
	orphaned(): void {
		for (const run of this.#registry.runs.values())
			if (!this.#live.has(run.runId))
				this.#move(run, run.status === "running" ? "FAIL" : "CANCEL");
	}

	/** Cancels every run and waits for them (graceful shutdown). */
	async close(): Promise<void> {
		for (const live of this.#live.values()) live.controller.abort();
		await Promise.all([...this.#live.values()].map((l) => l.done));
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
