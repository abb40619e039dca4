import type {
	ChannelWrite,
	Checkpointer,
	CheckpointSource,
	TaskSpec,
} from "@weft/checkpoint";
import { GraphRecursionError, isWeftError, NodeError } from "@weft/checkpoint";
import { isCommand } from "../command.ts";
import { INPUT_NODE, START, UPDATE_NODE } from "../constants.ts";
import { RunTelemetry } from "../telemetry/run-telemetry.ts"; // telemetry (issue 13)
import type {
	RunConfig,
	RunResult,
	StreamEvent,
	StreamMode,
} from "./events.ts";
import { CancelSignal, executeTasks } from "./execute-tasks.ts";
import { getOrAdd } from "./get-or-add.ts";
import {
	AFTER_TASK,
	type Answers,
	assignAnswers,
	emptyMemory,
	groupPending,
	type Interrupt,
	matchResume,
	type TaskMemory,
	unanswered,
} from "./interrupts.ts";
import * as fail from "./run-errors.ts";
import { type LifecycleState, RunLifecycle } from "./run-machine.ts";
import { RunStore } from "./run-store.ts";
import { type DoneOutcome, type Outcome, runTask } from "./run-task.ts";
import type { GraphRuntime } from "./runtime.ts";
import { planTasks, type Target, toTargets } from "./step/plan-tasks.ts";
import { pauseRecords, unfinishedRecords } from "./step-records.ts";
import type { TaskHost } from "./task-context.ts";
import { addUsage, emptyUsage, mergeUsage, type RunUsage } from "./usage.ts";

export { SubgraphResult } from "./run-task.ts";

/** Internal run options beyond the public config (subgraph runs, replays, streams). */
export interface RunOptions {
	ns?: string | undefined;
	checkpointer?: Checkpointer | undefined;
	/** Set for a subgraph run: checkpoints carry it, and the thread's status is the parent's business. */
	parentTask?: string | undefined;
	/** Answers by interrupt id handed down by a parent task. */
	answersById?: ReadonlyMap<string, unknown> | undefined;
	/** Ignore results saved at the start checkpoint: run every due task again. */
	fresh?: boolean | undefined;
	sink?: ((event: StreamEvent) => void) | undefined;
	modes?: ReadonlySet<StreamMode> | undefined;
}

type EndStatus = "done" | "interrupted" | "cancelled";

const NEVER = new AbortController().signal;
const NONE = new Map<never, never>();
const noAnswers = (): Answers => ({
	byIndex: new Map(),
	byId: new Map(),
	answered: new Set(),
});

/** One run of a compiled graph: prepare from input or a checkpoint, then step until nothing is due. */
export class Run {
	readonly #rt: GraphRuntime;
	readonly #config: RunConfig;
	readonly #options: RunOptions;
	readonly #cp: Checkpointer | undefined;
	readonly #ns: string;
	readonly #threadId: string | undefined;
	readonly #signal: AbortSignal;
	#lifecycle!: RunLifecycle;
	readonly #observer: ((state: LifecycleState) => void) | undefined;
	readonly #usage: RunUsage = emptyUsage();
	/** Usage since the last checkpoint: stored with the next one (see threadUsage). */
	#stepUsage: RunUsage = emptyUsage();
	#streamed: Set<"messages" | "custom"> | undefined;
	#values: Record<string, unknown> = {};
	#tasks: TaskSpec[] = [];
	#joins: Record<string, string[]> = {};
	/** The run's thread in the store (undefined without a checkpointer or thread). */
	readonly #store: RunStore | undefined;
	#step = -1;
	/** What tasks saved at the current checkpoint (answered interrupts, finished tasks, once results). */
	#memory = new Map<string, TaskMemory>();
	#answers: Answers = noAnswers();
	#skipBefore = false;
	#stepsRun = 0;
	#started = false;
	/** Writes applied by this run's steps (input excluded), for a parent graph. */
	readonly writesLog: ChannelWrite[] = [];
	readonly #tm: RunTelemetry; // telemetry (issue 13)

	constructor(rt: GraphRuntime, config: RunConfig, options: RunOptions = {}) {
		this.#rt = rt;
		this.#config = config;
		this.#options = options;
		this.#cp = options.checkpointer ?? rt.checkpointer;
		this.#ns = options.ns ?? "";
		this.#threadId = config.threadId;
		this.#store =
			this.#cp === undefined || config.threadId === undefined
				? undefined
				: new RunStore(this.#cp, config.threadId, this.#ns, options.parentTask);
		this.#signal = config.signal ?? NEVER;
		this.#tm = new RunTelemetry({
			graph: rt.name,
			threadId: config.threadId,
			ns: this.#ns,
		}); // telemetry (issue 13)
		const debug = options.modes?.has("debug") === true;
		this.#observer = debug
			? (state) =>
					this.#emit("debug", { type: "lifecycle", state, step: this.#step })
			: undefined;
	}

	/** Interrupt ids this run answered (a parent task marks them as answered too). */
	get answered(): ReadonlySet<string> {
		return this.#answers.answered;
	}

	/** Runs to the end, an interrupt, a failure or cancellation. */
	async execute(input: unknown): Promise<RunResult> {
		if (this.#cp !== undefined && this.#threadId === undefined)
			throw fail.noThreadId();
		this.#lifecycle = await RunLifecycle.start(this.#observer);
		this.#tm.start(input); // telemetry (issue 13)
		try {
			await this.#prepare(input);
			this.#started = true;
			await this.#store?.setStatus("running");
			return await this.#loop();
		} catch (error) {
			return this.#fail(error);
		}
	}

	async #loop(): Promise<RunResult> {
		const limit = this.#config.recursionLimit ?? 100;
		const before = union(
			this.#rt.interruptBefore,
			this.#config.interruptBefore,
		);
		const after = union(this.#rt.interruptAfter, this.#config.interruptAfter);
		while (this.#tasks.length > 0) {
			if (this.#signal.aborted) throw new CancelSignal(this.#signal.reason);
			if (this.#stepsRun >= limit) throw new GraphRecursionError(limit);
			const paused = this.#skipBefore
				? []
				: this.#tasks.filter((t) => before.has(t.node));
			if (paused.length > 0)
				return this.#pause(
					paused.map((t) => [t.id, t.node] as const),
					"before",
				);
			this.#skipBefore = false;
			this.#tm.step(this.#step + 1); // telemetry (issue 13)
			this.#lifecycle.step("EXECUTE");
			const outcomes = await this.#executeStep();
			const stop = await this.#settleStep(outcomes);
			if (stop !== undefined) return stop;
			this.#lifecycle.step("COMMIT");
			await this.#commitStep(outcomes as DoneOutcome[]);
			this.#lifecycle.step("PLAN");
			const pauseAfter =
				this.#tasks.length === 0
					? []
					: [...new Set(outcomes.map((o) => o.task.node))].filter((n) =>
							after.has(n),
						);
			if (pauseAfter.length > 0)
				return this.#pause(
					pauseAfter.map((n) => [AFTER_TASK, n] as const),
					"after",
				);
		}
		return this.#finish("done");
	}

	// ---- preparing ---------------------------------------------------------------------------

	async #prepare(input: unknown): Promise<void> {
		if (input === null || input === undefined)
			return this.#prepareContinue(undefined);
		if (!isCommand(input)) return this.#prepareInput(input);
		if (!input.hasResume) throw fail.commandWithoutResume();
		return this.#prepareContinue({ value: input.resume });
	}

	async #prepareContinue(
		resume: { value: unknown } | undefined,
	): Promise<void> {
		if (this.#store === undefined)
			throw fail.needsCheckpointer("continuing or resuming a run");
		const tuple = await this.#load(this.#store, this.#config.checkpointId);
		if (tuple === undefined) {
			throw resume === undefined
				? fail.nothingToContinue(this.#threadId!)
				: fail.nothingToResume(this.#threadId!);
		}
		// a checkpoint with a successor starts a new branch, which never reads another branch's records
		if (this.#options.fresh !== true && !tuple.hasChildren) {
			this.#memory = groupPending(tuple.pendingWrites);
			this.#store.reusePendingWrites(tuple);
		}
		this.#skipBefore = [...this.#memory.values()].some((m) =>
			[...m.interrupts.values()].some((i) => i.when === "before"),
		);
		const byId = this.#options.answersById;
		if (resume === undefined && (byId === undefined || byId.size === 0)) return;
		const pending = unanswered(this.#tasks, this.#memory);
		this.#answers = assignAnswers(
			pending,
			resume === undefined ? byId! : matchResume(resume.value, pending),
		);
	}

	/** Loads a checkpoint (or the thread's newest) with its state; undefined when the thread has none. */
	async #load(store: RunStore, checkpointId: string | undefined) {
		const loaded = await store.load(checkpointId, this.#rt.channels);
		if (loaded === undefined) {
			if (checkpointId !== undefined)
				throw fail.noSuchCheckpoint(this.#threadId!, checkpointId);
			return undefined;
		}
		const c = loaded.tuple.checkpoint;
		this.#tm.loaded(loaded.tuple); // telemetry (issue 13)
		this.#values = loaded.values;
		this.#step = c.step;
		this.#tasks = c.data.tasks;
		this.#joins = c.data.joins ?? {};
		return loaded.tuple;
	}

	async #prepareInput(input: unknown): Promise<void> {
		const channels = this.#rt.channels;
		const writes = channels.toWrites(INPUT_NODE, input);
		// a subgraph task starts its child run afresh; a root run goes on from the thread's newest state
		const tuple =
			this.#store !== undefined && this.#options.parentTask === undefined
				? await this.#load(this.#store, this.#config.checkpointId)
				: undefined;
		if (tuple === undefined) this.#values = channels.initial();
		this.#values = channels.apply(this.#values, writes, false);
		const plan = planTasks(
			this.#rt.topology,
			[{ node: START, targets: await this.#route(START) }],
			{},
		);
		this.#tasks = plan.tasks;
		this.#joins = plan.joins;
		await this.#writeCheckpoint("input", writes, [INPUT_NODE]);
	}

	/**
	 * Writes `values` as a new checkpoint after the given (or newest) one, as if `asNode` had returned them:
	 * with `asNode`, what is due next is planned from that node's edges; without, it stays as it was.
	 */
	async applyUpdate(
		values: unknown,
		asNode: string | undefined,
	): Promise<string> {
		if (this.#cp === undefined) throw fail.needsCheckpointer("updateState");
		const store = this.#store;
		if (store === undefined) throw fail.noThreadId();
		if (asNode !== undefined && !this.#rt.topology.nodes.has(asNode))
			throw fail.unknownAsNode(asNode, this.#rt.topology.nodes);
		const tuple = await this.#load(store, this.#config.checkpointId);
		if (tuple === undefined) this.#values = this.#rt.channels.initial();
		const writes = this.#rt.channels.toWrites(asNode ?? UPDATE_NODE, values);
		this.#values = this.#rt.channels.apply(this.#values, writes, true);
		if (asNode !== undefined) {
			const plan = planTasks(
				this.#rt.topology,
				[{ node: asNode, targets: await this.#route(asNode) }],
				this.#joins,
			);
			this.#tasks = plan.tasks;
			this.#joins = plan.joins;
		}
		store.branch();
		await this.#writeCheckpoint(
			tuple?.hasChildren === true ? "fork" : "update",
			writes,
			[asNode ?? UPDATE_NODE],
		);
		return store.checkpointId!;
	}

	// ---- executing ---------------------------------------------------------------------------

	async #executeStep(): Promise<Outcome[]> {
		const host = this.#host(this.#tasks.length > 1);
		const emit = (event: StreamEvent) => this.#emit("debug", event);
		const outcomes = await executeTasks(
			this.#tasks,
			(task) =>
				this.#tm.task(runTask, task, {
					rt: this.#rt,
					host,
					memory: getOrAdd(this.#memory, task.id, emptyMemory),
					answers: this.#answers.byIndex.get(task.id) ?? NONE,
					answersById: this.#answers.byId.get(task.id) ?? NONE,
					values: this.#values,
					emit,
				}),
			this.#config.maxConcurrency,
			this.#config.signal,
		);
		this.#stepsRun++;
		return outcomes;
	}

	#host(multi: boolean): TaskHost {
		const store = this.#store;
		return {
			threadId: this.#threadId,
			step: this.#step + 1,
			signal: this.#signal,
			context: this.#config.context ?? {},
			ns: this.#ns,
			checkpointId: store?.checkpointId,
			checkpointer: this.#cp,
			config: this.#config,
			multi,
			streams: this.#streams(),
			persist:
				store === undefined
					? async () => {}
					: (writes) => store.persist(writes),
			emit: (node, type, data) => {
				if (type === "custom")
					this.#emit("custom", { type: "custom", node, data });
				else this.#emit("messages", { type: "message", node, chunk: data });
			},
			reportUsage: (node, usage) => {
				this.#tm.reported(usage); // telemetry (issue 13)
				addUsage(this.#usage, node, usage);
				addUsage(this.#stepUsage, node, usage);
			},
			mergeUsage: (node, usage) => {
				mergeUsage(this.#usage, node, usage);
				mergeUsage(this.#stepUsage, node, usage);
			},
		};
	}

	/** Handles a step that did not fully succeed; returns the run's result when the run stops here. */
	async #settleStep(outcomes: Outcome[]): Promise<RunResult | undefined> {
		const failed = outcomes.find((o) => o.kind === "error");
		const rejected = outcomes.find((o) => o.kind === "rejected");
		const interrupted = outcomes.filter((o) => o.kind === "interrupt");
		if (
			failed === undefined &&
			rejected === undefined &&
			interrupted.length === 0
		)
			return undefined;
		await this.#store?.persist(
			unfinishedRecords(this.#place(), interrupted, failed),
		);
		if (failed !== undefined) {
			const { error, task } = failed;
			throw error instanceof NodeError ||
				(isWeftError(error) && error.code !== "NODE_TIMEOUT")
				? error
				: new NodeError(task.node, error);
		}
		if (rejected !== undefined) {
			// the answer was refused: the run stays paused as it was, nothing changed
			await this.#setStatus("interrupted");
			this.#lifecycle.end("interrupted");
			throw rejected.rejected.error;
		}
		return this.#finish("interrupted");
	}

	/** Records a pause before or after nodes and ends the run as interrupted. */
	async #pause(
		items: ReadonlyArray<readonly [string, string]>,
		when: "before" | "after",
	): Promise<RunResult> {
		await this.#store?.persist(pauseRecords(this.#place(), items, when));
		return this.#finish("interrupted");
	}

	#place() {
		return {
			checkpointId: this.#store?.checkpointId,
			ns: this.#ns,
			memory: this.#memory,
		};
	}

	// ---- committing --------------------------------------------------------------------------

	async #commitStep(outcomes: DoneOutcome[]): Promise<void> {
		const writes: ChannelWrite[] = [];
		for (const o of outcomes) for (const w of o.writes) writes.push(w);
		this.#values = this.#rt.channels.apply(this.#values, writes, true);
		for (const w of writes) this.writesLog.push(w);
		// tasks come sorted by node: group a node's Send tasks, then add its routers' targets
		const ran: Array<{ node: string; targets: Target[] }> = [];
		for (const o of outcomes) {
			const last = ran[ran.length - 1];
			if (last?.node === o.task.node) last.targets.push(...o.goto);
			else ran.push({ node: o.task.node, targets: [...o.goto] });
		}
		for (const r of ran) r.targets.push(...(await this.#route(r.node)));
		const plan = planTasks(this.#rt.topology, ran, this.#joins);
		this.#tasks = plan.tasks;
		this.#joins = plan.joins;
		this.#memory = new Map();
		this.#answers = noAnswers();
		await this.#writeCheckpoint(
			"loop",
			writes,
			ran.map((r) => r.node),
		);
		if (this.#options.sink === undefined) return;
		for (const o of outcomes) {
			const data = Object.fromEntries(o.writes.map(([, k, v]) => [k, v]));
			this.#emit("updates", {
				type: "update",
				step: this.#step,
				node: o.task.node,
				data,
			});
		}
	}

	/** Evaluates the conditional edges of `node` on the current state. */
	async #route(node: string): Promise<Target[]> {
		const targets: Target[] = [];
		for (const branch of this.#rt.branches.get(node) ?? []) {
			const route = await branch.router(this.#values, {
				context: this.#config.context ?? {},
			});
			targets.push(...toTargets(route, node, branch.pathMap));
		}
		return targets;
	}

	async #writeCheckpoint(
		source: CheckpointSource,
		writes: ChannelWrite[],
		nodes: string[],
	): Promise<void> {
		this.#step += 1;
		const checkpointId = await this.#store?.commit(
			{
				step: this.#step,
				source,
				writes,
				nodes,
				tasks: this.#tasks,
				joins: this.#joins,
				metadata: this.#tm.metadata(this.#config.metadata), // telemetry (issue 13)
				usage: this.#stepUsage,
			},
			this.#values,
			this.#rt.snapshots,
		);
		if (checkpointId !== undefined && this.#stepUsage.calls > 0)
			this.#stepUsage = emptyUsage();
		if (this.#options.sink === undefined) return;
		this.#emit("values", {
			type: "values",
			step: this.#step,
			data: this.#values,
		});
		if (checkpointId !== undefined) {
			this.#emit("checkpoints", {
				type: "checkpoint",
				checkpointId,
				step: this.#step,
			});
		}
	}

	// ---- ending ------------------------------------------------------------------------------

	async #setStatus(status: EndStatus | "failed"): Promise<void> {
		await this.#store?.setStatus(status);
	}

	async #finish(status: EndStatus): Promise<RunResult> {
		await this.#setStatus(status);
		this.#lifecycle.end(status);
		const interrupts: Interrupt[] =
			status === "interrupted"
				? unanswered(this.#tasks, this.#memory).map(
						({ taskId: _t, index: _i, ...i }) => i,
					)
				: [];
		if (interrupts.length > 0)
			this.#emit(undefined, { type: "interrupt", interrupts });
		const result: RunResult = {
			status,
			values: this.#values,
			interrupts,
			checkpointId: this.#store?.checkpointId,
			steps: this.#stepsRun,
			usage: this.#usage,
		};
		this.#tm.end(result); // telemetry (issue 13)
		this.#emit(undefined, { type: "end", result });
		return result;
	}

	async #fail(error: unknown): Promise<RunResult> {
		if (error instanceof CancelSignal) return this.#finish("cancelled");
		this.#tm.fail(error); // telemetry (issue 13)
		if (
			isWeftError(error, "VALIDATION_FAILED") &&
			this.#lifecycle.state === "interrupted"
		)
			throw error;
		if (this.#started) {
			try {
				await this.#setStatus("failed");
			} catch {
				// the original error matters more than a failed status write
			}
		}
		if (this.#lifecycle.state !== "failed") this.#lifecycle.end("failed");
		this.#emit(undefined, {
			type: "error",
			node: error instanceof NodeError ? error.node : undefined,
			error,
		});
		throw error;
	}

	/** Sends an event to the stream if its mode is selected (`undefined`: events every mode gets). */
	#emit(mode: StreamMode | undefined, event: StreamEvent): void {
		if (
			mode === undefined ? this.#options.sink !== undefined : this.#wants(mode)
		)
			this.#options.sink!(event);
	}

	/** The node-level modes someone consumes (fixed for the run: computed once). */
	#streams(): ReadonlySet<"messages" | "custom"> {
		if (this.#streamed === undefined) {
			this.#streamed = new Set();
			if (this.#wants("messages")) this.#streamed.add("messages");
			if (this.#wants("custom")) this.#streamed.add("custom");
		}
		return this.#streamed;
	}

	/** Someone consumes events of this mode. */
	#wants(mode: StreamMode): boolean {
		if (this.#options.sink === undefined) return false;
		const modes = this.#options.modes;
		return modes === undefined || modes.has(mode) || modes.has("debug");
	}
}

function union(
	base: ReadonlySet<string>,
	extra: readonly string[] | undefined,
): ReadonlySet<string> {
	return extra === undefined ? base : new Set([...base, ...extra]);
}
