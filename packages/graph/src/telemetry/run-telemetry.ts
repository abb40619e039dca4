import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import type { CheckpointTuple, JsonValue } from "@weft/checkpoint";
import { isCommand } from "../command.ts";
import type { UsageReport } from "../graph/types.ts";
import { copyOwn } from "../runtime/copy-own.ts";
import type { RunConfig, RunResult } from "../runtime/events.ts";
import { newestKeeper } from "../runtime/keep-shape.ts";
import type { RunUsage } from "../runtime/usage.ts";
import {
	type AgentInfo,
	addAgentAttributes,
	runSpanName,
} from "./agent-span.ts";
import { askedAt, newlyAsked } from "./asked-once.ts";
import { activeContext, record, startSpan, withContext } from "./contained.ts";
import type { RunAbort } from "./errors.ts";
import { type Instruments, instruments } from "./instruments.ts";
import { NodeOutcomes } from "./node-outcomes.ts";
import { KIND_INTERNAL, type OtelApi, otelApi, tracer } from "./otel-api.ts";
import {
	closeRunSpan,
	droppedIfAborted,
	endStepSpan,
	endTaskSpan,
	runEnded,
	runFailed,
	stoppedBy,
} from "./run-spans.ts";
import { StepTimer, TIMING_KEY } from "./step-timing.ts";
import type { TallyPoint } from "./tally.ts";
import { fromTraceparent, toTraceparent } from "./trace-parent.ts";

type Metadata = RunConfig["metadata"];

/** What `task` reads of a task's run: its memory, and the run's signal (a failed task's code). */
interface TaskRun {
	memory: { done?: unknown };
	host: { signal: RunAbort };
}

/** What the telemetry of a run needs to know about it. */
export interface RunTelemetryInit {
	graph: string;
	threadId: string | undefined;
	ns: string;
	/** The run writes checkpoints: its steps record their timing there. */
	durable: boolean;
	/** Set when the graph is a GenAI agent: its run span is an agent invocation (decision 0131). */
	agent: AgentInfo | undefined;
}

const keepRunTelemetry = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * The telemetry of one run: its span tree (run → step → node), its metrics, and the timing and trace
 * context each checkpoint records. The run loop calls it at a few points; with no tracer or meter
 * provider registered, each call costs a check and nothing more.
 */
export class RunTelemetry {
	readonly #init: RunTelemetryInit;
	readonly #timer: StepTimer;
	#m: Instruments | undefined;
	/** `{ "weft.graph": graph }`, made once per graph: every record of the run reuses it. */
	#graphAttributes: Attributes | undefined;
	#active: TallyPoint | undefined;
	/** The attribute sets of node durations (made with the instruments: none while off). */
	#nodeOutcomes: NodeOutcomes | undefined;
	#tracer: Tracer | undefined;
	/** The API, while the run has a tracer (so the API is loaded). */
	#api: typeof OtelApi | undefined;
	/** The run span's `traceparent`, made once for every checkpoint of the run. */
	#traceparent: string | undefined;
	#t0 = 0;
	#resuming = false;
	/** The questions waiting where the run started (a root run's, with metrics on): counted already. */
	#askedBefore: ReadonlySet<string> | undefined;
	/** The run's context: set when a span (recorded or sampled out) must be passed on. */
	#ctx: Context | undefined;
	#run: Span | undefined;
	#step: { span: Span; ctx: Context; t0: number } | undefined;
	#stepT0 = 0;
	/** Supersteps started (`weft.steps`): a run cancelled or failed in a step counts it, as its `weft.step` span. */
	#steps = 0;
	/** The node spans of tasks not settled yet (ended by the run's end if still open then). */
	readonly #openTasks = new Map<Span, TaskRun>();
	#ended = true;
	/** Someone uses durations: a checkpoint's timing, a metric or a span (else no clock is read). */
	#timed = false;

	constructor(init: RunTelemetryInit) {
		keepRunTelemetry(this);
		this.#init = init;
		this.#timer = new StepTimer(init.graph);
	}

	/**
	 * The run starts (`execute`): opens its span under the active context and counts it in flight.
	 * `answered`: a subgraph's run given the answers its parent's resume holds for it.
	 */
	start(input: unknown, answered: boolean): void {
		this.#ended = false;
		this.#steps = 0;
		this.#t0 = performance.now();
		this.#resuming = answered || (isCommand(input) && input.hasResume);
		this.#askedBefore = undefined;
		const m = instruments();
		this.#m = m.on ? m : undefined;
		this.#timed = this.#init.durable || m.on;
		if (this.#m !== undefined) {
			const graph = this.#init.graph;
			this.#graphAttributes = m.attributes.get(graph, () => ({
				"weft.graph": graph,
			}));
			this.#active = m.runsActive.point(graph, () => ({ "weft.graph": graph }));
			this.#active.value++;
			this.#nodeOutcomes ??= new NodeOutcomes(graph);
		}
		const t = tracer();
		this.#tracer = t;
		// no provider: no span, nothing built, nothing passed on
		if (t === undefined) return;
		this.#timed = true;
		const api = otelApi()!;
		this.#api = api;
		const { trace } = api;
		const parent = activeContext(api);
		const span = startSpan(
			t,
			runSpanName(this.#init.graph, this.#init.agent),
			{ kind: KIND_INTERNAL, attributes: this.#runAttributes() },
			parent,
		);
		if (span === undefined) return; // the SDK threw: the run goes on untraced
		// no provider: an invalid span, nothing to pass on; sampled out: passed on so children are too
		if (span.isRecording()) {
			this.#run = span;
			this.#traceparent = toTraceparent(span.spanContext());
		}
		// sampled out: passed on so children are too
		if (this.#run !== undefined || api.isSpanContextValid(span.spanContext()))
			this.#ctx = trace.setSpan(parent, span);
	}

	/**
	 * The run stands on a stored checkpoint: link to the trace of the run that wrote it, time the wait of
	 * an interrupt being answered, and keep failures recorded there for the step's timing.
	 */
	loaded(tuple: CheckpointTuple): void {
		if (this.#ended) return;
		const c = tuple.checkpoint;
		const from = fromTraceparent(c.metadata.traceparent);
		const own = this.#run?.spanContext();
		if (from !== undefined && own !== undefined && from.traceId !== own.traceId)
			this.#run!.addLink({
				context: from,
				attributes: { "weft.link": "continues" },
			});
		this.#run?.setAttribute("weft.checkpoint_id", c.checkpointId);
		if (this.#m !== undefined && this.#init.ns === "")
			this.#askedBefore = askedAt(tuple);
		if (tuple.hasChildren) return;
		let pausedAt = false;
		for (const w of tuple.pendingWrites) {
			if (w.kind === "error") this.#timer.error(w.node, w.code);
			else if (w.kind === "interrupt") pausedAt = true;
		}
		// the wait is only recorded by a metric or a span: no date parsed for nobody (perf, issue 17)
		if (
			pausedAt &&
			this.#resuming &&
			(this.#m !== undefined || this.#run !== undefined)
		) {
			const waited = Math.max(0, Date.now() - Date.parse(c.createdAt)) / 1000;
			// one wait per answer: a subgraph's is counted by the root run it paused
			if (this.#m !== undefined && this.#init.ns === "")
				record(this.#m.interruptWait, waited, this.#graphAttributes);
			this.#run?.setAttribute("weft.interrupt.wait_s", waited);
		}
	}

	/** A superstep starts (the previous one, if open, has committed). */
	step(step: number): void {
		this.#endStep(undefined);
		this.#steps++;
		// perf (issue 17): a step's time is for the meter and the step span alone (a store times its nodes)
		if (this.#m === undefined && this.#run === undefined) return;
		this.#stepT0 = performance.now();
		if (this.#run === undefined) return;
		const span = startSpan(
			this.#tracer!,
			"weft.step",
			{ attributes: { "weft.step": step } },
			this.#ctx,
		);
		if (span === undefined) return;
		this.#step = {
			span,
			ctx: this.#api!.trace.setSpan(this.#ctx!, span),
			t0: this.#stepT0,
		};
	}

	/**
	 * Runs one task of the step with its node span active (so model and tool calls, and a subgraph's run,
	 * nest under it) and records its duration; a task whose result is reused from an earlier run is not timed.
	 * Without a span to make or pass on, a task that completes synchronously is timed without a promise.
	 */
	task<
		TTask extends { node: string; id: string },
		TRun extends TaskRun,
		TOutcome extends { kind: string; error?: unknown },
	>(
		fn: (task: TTask, r: TRun) => TOutcome | Promise<TOutcome>,
		task: TTask,
		r: TRun,
	): TOutcome | Promise<TOutcome> {
		if (r.memory.done !== undefined || this.#ended || !this.#timed)
			return fn(task, r);
		const t0 = performance.now();
		const parent = this.#step?.ctx ?? this.#ctx;
		if (parent !== undefined) return this.#tracedTask(fn, task, r, t0, parent);
		const outcome = fn(task, r);
		return outcome instanceof Promise
			? outcome.then((o) => this.#taskEnded(task.node, o, t0, undefined, r))
			: this.#taskEnded(task.node, outcome, t0, undefined, r);
	}

	/**
	 * The task with its node span active: `withContext` passes `task` and `r` on (no closure per task), and
	 * a task that settles synchronously ends its span without a promise (perf, issue 13).
	 */
	#tracedTask<
		TTask extends { node: string; id: string },
		TRun extends TaskRun,
		TOutcome extends { kind: string; error?: unknown },
	>(
		fn: (task: TTask, r: TRun) => TOutcome | Promise<TOutcome>,
		task: TTask,
		r: TRun,
		t0: number,
		parent: Context,
	): TOutcome | Promise<TOutcome> {
		const api = this.#api!;
		const span =
			this.#run === undefined
				? undefined
				: startSpan(
						this.#tracer!,
						`weft.node ${task.node}`,
						{ attributes: { "weft.node": task.node, "weft.task_id": task.id } },
						parent,
					);
		if (span !== undefined) this.#openTasks.set(span, r);
		const outcome = withContext(
			api.context,
			span === undefined ? parent : api.trace.setSpan(parent, span),
			fn,
			task,
			r,
		);
		return outcome instanceof Promise
			? outcome.then((o) => this.#taskEnded(task.node, o, t0, span, r))
			: this.#taskEnded(task.node, outcome, t0, span, r);
	}

	#taskEnded<TOutcome extends { kind: string; error?: unknown }>(
		node: string,
		outcome: TOutcome,
		t0: number,
		span: Span | undefined,
		r: TaskRun | undefined,
	): TOutcome {
		const ms = performance.now() - t0;
		if (outcome.kind === "done") this.#timer.node(node, ms);
		const ended = droppedIfAborted(outcome, r?.host.signal);
		// a span the run's end closed already (its task outlived a cancel) is not ended twice
		if (span !== undefined && this.#openTasks.delete(span))
			endTaskSpan(span, ended, r?.host.signal);
		if (this.#m !== undefined)
			record(
				this.#m.nodeDuration,
				ms / 1000,
				this.#nodeOutcomes!.of(this.#m, node, ended),
			);
		return outcome;
	}

	/** A model call's figures reported to the run: its duration goes into the step's timing. */
	reported(usage: UsageReport): void {
		if (usage.durationMs !== undefined && usage.model !== undefined)
			this.#timer.model(usage.model, usage.durationMs);
		if (usage.call !== undefined) this.#timer.call(usage.call);
	}

	/**
	 * The metadata of the next checkpoint: the run's, plus the trace context and the step's timing
	 * (`nodes`: the nodes the checkpoint's metadata lists).
	 */
	metadata(base: Metadata, nodes: readonly string[]): Metadata {
		const timing = this.#timer.take(nodes);
		const traceparent = this.#traceparent;
		if (timing === undefined && traceparent === undefined) return base;
		// checkpoint metadata is JSON; RunConfig types only the user's part of it (scalars)
		// perf (issue 17): `{ ...base, ...extra }` cost ≈ 1 µs a step in Node 20; copied as a spread copies
		const out = copyOwn<Record<string, JsonValue>>({}, base);
		if (traceparent !== undefined) out.traceparent = traceparent;
		if (timing !== undefined) out[TIMING_KEY] = timing;
		return out as Metadata;
	}

	/** The run ended as `result` (done, interrupted or cancelled). */
	end(result: RunResult): void {
		if (this.#ended) return;
		this.#endOpenTasks();
		this.#endStep(undefined);
		const run = this.#run;
		if (run !== undefined) runEnded(run, result);
		// once per question, by the root run that asked it: a subgraph's question is its root's (as its wait)
		const asked =
			this.#m === undefined || this.#init.ns !== ""
				? 0
				: newlyAsked(result.interrupts, this.#askedBefore);
		if (asked > 0)
			this.#m?.interrupts.add(this.#init.graph, asked, () => ({
				"weft.graph": this.#init.graph,
			}));
		this.#close(result.status);
	}

	/** The run failed with `error`, having spent `usage` (its failed step included). */
	fail(error: unknown, usage?: RunUsage): void {
		if (this.#ended) return;
		this.#endOpenTasks();
		this.#endStep(error);
		if (this.#run !== undefined) runFailed(this.#run, error, usage);
		this.#close("failed");
	}

	/**
	 * The spans of tasks still running as the run ends (a cancelled step's, whose code has not settled: a
	 * node that ignores its signal may never) end now, with the run's abort reason: an app that shuts its
	 * SDK down once `run()` returns still exports what was cancelled. The task's own end adds nothing.
	 */
	#endOpenTasks(): void {
		if (this.#openTasks.size === 0) return;
		for (const [span, r] of this.#openTasks) {
			endTaskSpan(span, stoppedBy(r.host.signal), r.host.signal);
		}
		this.#openTasks.clear();
	}

	#close(status: string): void {
		this.#ended = true;
		if (this.#run !== undefined) closeRunSpan(this.#run, status, this.#steps);
		const m = this.#m;
		if (m === undefined) return;
		this.#active!.value--;
		const graph = this.#init.graph;
		record(
			m.runDuration,
			(performance.now() - this.#t0) / 1000,
			m.attributes.get(`${graph}\u0000${status}`, () => ({
				"weft.graph": graph,
				"weft.run.status": status,
			})),
		);
	}

	#endStep(error: unknown): void {
		if (this.#stepT0 === 0) return;
		const seconds = (performance.now() - this.#stepT0) / 1000;
		this.#stepT0 = 0;
		if (this.#m !== undefined)
			record(this.#m.stepDuration, seconds, this.#graphAttributes);
		const step = this.#step;
		if (step === undefined) return;
		this.#step = undefined;
		endStepSpan(step.span, error);
	}

	#runAttributes(): Attributes {
		const a: Attributes = { "weft.graph": this.#init.graph };
		if (this.#init.threadId !== undefined)
			a["weft.thread_id"] = this.#init.threadId;
		if (this.#init.ns !== "") a["weft.ns"] = this.#init.ns;
		if (this.#resuming) a["weft.resume"] = true;
		const agent = this.#init.agent;
		if (agent !== undefined) addAgentAttributes(a, agent, this.#init.threadId);
		return a;
	}
}
