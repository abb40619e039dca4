import type {
	ChannelWrite,
	Checkpointer,
	CheckpointSource,
	PendingWrite,
	TaskSpec,
	WeftError,
} from "@weft/checkpoint";
import { GraphRecursionError, isWeftError, NodeError } from "@weft/checkpoint";
import { RunTelemetry } from "../telemetry/run-telemetry.ts"; // telemetry (issue 13)
import {
	checkedInput,
	checkFirstInput,
	checkRunConfig,
	ownConfig,
} from "./check-config.ts";
import { checkSends } from "./check-sends.ts";
import { commitFailureRecords } from "./commit-failure.ts";
import { EventSink } from "./event-sink.ts";
import type { RunConfig, RunResult, StreamEvent } from "./events.ts";
import { AbortWatch, CancelSignal, executeTasks } from "./execute-tasks.ts";
import { nodeOf } from "./graph-names.ts";
import { emptyMemory, runInterrupts } from "./interrupts.ts";
import { newestKeeper } from "./keep-shape.ts";
import type { RunSignal } from "./lazy-signal.ts";
import { type PauseItem, PausePoints } from "./pause-points.ts";
import { newStepState, prepareRun, type StepState } from "./prepare-run.ts";
import { noAnswers } from "./resume-answers.ts";
import { type Ran, ranNodes, routeRan } from "./route.ts";
import { emptyStateNeedsInput } from "./run-errors.ts";
import { RunLifecycle } from "./run-machine.ts";
import type { RunOptions } from "./run-options.ts";
import { RunStore } from "./run-store.ts";
import { type DoneOutcome, type Outcome, runTask } from "./run-task.ts";
import type { GraphRuntime } from "./runtime.ts";
import { settleStep } from "./settle-step.ts";
import { planTasks } from "./step/plan-tasks.ts";
import {
	errorRecords,
	pauseRecords,
	type StepPlace,
	usageRecord,
} from "./step-records.ts";
import type { TaskHost } from "./task-context.ts";
import { type HostCallbacks, hostCallbacks, taskHost } from "./task-host.ts";
import type { RunUsage } from "./usage.ts";
import { keepSpent } from "./usage.ts";
import { UsageMeter } from "./usage-meter.ts";

export type { RunOptions } from "./run-options.ts";
export { SubgraphResult } from "./run-task.ts";

type EndStatus = RunResult["status"];

/** How the stepping ended: a result, or an answer that was refused (the thread stays paused). */
type Ending = { result: RunResult } | { refused: WeftError };

const NEVER = new AbortController().signal;
const NONE = new Map<never, never>();

const keepRun = newestKeeper(); // keep-shape.ts, decision 0196

/** One run of a compiled graph: prepare from input or a checkpoint, then step until nothing is due. */
export class Run {
	readonly #rt: GraphRuntime;
	readonly #config: RunConfig;
	readonly #options: RunOptions;
	readonly #cp: Checkpointer | undefined;
	readonly #ns: string;
	readonly #threadId: string | undefined;
	#signal: RunSignal;
	/** Watches `#signal` for the run's steps (none without a signal). */
	#watch: AbortWatch | undefined;
	#lifecycle!: RunLifecycle;
	readonly #events: EventSink;
	readonly #usage = new UsageMeter();
	/** The run's thread in the store (undefined without a checkpointer or thread). */
	readonly #store: RunStore | undefined;
	/** Tasks of the step that was running when the run was cancelled: the lease waits for them. */
	#inFlight: Promise<unknown> | undefined;
	/** The host of the step being executed (see `#runTask`). */
	#host: TaskHost | undefined;
	/** Where the run stands: state, due tasks, what tasks saved at the current checkpoint. */
	readonly #at: StepState = newStepState();
	#stepsRun = 0;
	#refused = false;
	/** Writes applied by this run's steps (input excluded), for a parent graph: kept by subgraph runs only. */
	readonly #writesLog: ChannelWrite[] | undefined;
	readonly #tm: RunTelemetry; // telemetry (issue 13)
	readonly #callbacks: HostCallbacks;
	/** Where tasks send debug events; undefined when nobody streams them. */
	readonly #debug: ((event: StreamEvent) => void) | undefined;

	/** The config as given: `execute` checks it (a bad one is refused there, typed, not thrown here). */
	readonly #given: unknown;

	constructor(rt: GraphRuntime, given: RunConfig, options: RunOptions = {}) {
		keepRun(this);
		this.#rt = rt;
		this.#given = given;
		const config: RunConfig =
			typeof given === "object" && given !== null ? given : {};
		// the compile-time store, unless the run brings its own (subgraph runs inherit it with the config)
		this.#config = ownConfig(config, rt.store);
		this.#options = options;
		this.#writesLog = options.parentTask === undefined ? undefined : [];
		this.#cp = options.checkpointer ?? rt.checkpointer;
		this.#ns = options.ns ?? "";
		this.#threadId = config.threadId;
		this.#store =
			this.#cp === undefined || typeof config.threadId !== "string"
				? undefined
				: new RunStore(
						this.#cp,
						config.threadId,
						this.#ns,
						options.parentTask,
						options.fence,
						rt.names,
					);
		this.#signal = config.signal instanceof AbortSignal ? config.signal : NEVER;
		this.#events = new EventSink(
			options.sink,
			options.modes,
			options.subgraphs === true,
		);
		const events = this.#events;
		this.#callbacks = hostCallbacks(
			this.#store,
			events,
			this.#usage,
			() => this.#tm,
			options.confirmLease,
		);
		this.#debug = events.wants("debug")
			? (event) => events.emit("debug", event)
			: undefined;
		this.#tm = new RunTelemetry({
			graph: rt.name,
			threadId: this.#threadId,
			ns: this.#ns,
			durable: this.#store !== undefined,
			agent: rt.agent,
		}); // telemetry (issue 13)
	}

	/** Writes applied by this run's steps (input excluded), for a parent graph (none for a root run). */
	get writesLog(): ChannelWrite[] {
		return this.#writesLog ?? [];
	}

	/**
	 * The run left its thread paused as it was: its answer was refused, or the checkpoint it was to go on
	 * from needs what this graph lacks (a subgraph run's parent task then stays paused too: decision 0130).
	 */
	get refused(): boolean {
		return this.#refused;
	}

	/** The checkpoint the run stands at (undefined: none stored yet, or no store). */
	get checkpointId(): string | undefined {
		return this.#store?.checkpointId;
	}

	/** Interrupt ids this run answered (a parent task marks them as answered too). */
	get answered(): ReadonlySet<string> {
		return this.#at.answers.answered;
	}

	/** Runs to the end, an interrupt, a failure or cancellation. */
	async execute(input: unknown): Promise<RunResult> {
		checkRunConfig(this.#given, this.#cp !== undefined, this.#rt.runners);
		// without a debug stream, no actor and no promise to wait for (perf, issue 17)
		this.#lifecycle =
			this.#options.modes?.has("debug") === true
				? await RunLifecycle.observed(this.#events, () => this.#at.step)
				: RunLifecycle.unobserved();
		const inputWrites = checkedInput(this.#rt, input); // before the lease: no thread for bad input
		if (
			inputWrites === undefined &&
			this.#config.checkpointId === null &&
			this.#store !== undefined &&
			this.#options.parentTask === undefined
		)
			throw emptyStateNeedsInput(this.#threadId);
		const caller = this.#signal === NEVER ? undefined : this.#signal;
		if (this.#store !== undefined && this.#options.parentTask === undefined) {
			if (inputWrites !== undefined)
				await checkFirstInput(this.#rt, inputWrites, this.#cp!, this.#config);
			this.#watch = await this.#store.takeLease(
				{ waitForLease: this.#config.waitForLease, ttlMs: this.#rt.leaseTtlMs },
				caller as AbortSignal | undefined,
			);
		} else if (caller !== undefined)
			this.#watch = new AbortWatch(caller as AbortSignal);
		this.#signal = this.#watch?.signal ?? NEVER;
		try {
			return await this.#execute(input, inputWrites);
		} finally {
			this.#watch?.dispose();
		}
	}

	async #execute(
		input: unknown,
		inputWrites: ChannelWrite[] | undefined,
	): Promise<RunResult> {
		// telemetry (issue 13); a subgraph's run resumes when its parent hands it answers
		this.#tm.start(input, (this.#options.answersById?.size ?? 0) > 0);
		let ending: Ending;
		let prepared = false;
		try {
			await prepareRun(
				{
					rt: this.#rt,
					config: this.#config,
					store: this.#store,
					threadId: this.#threadId,
					ns: this.#ns,
					parentTask: this.#options.parentTask,
					fresh: this.#options.fresh === true,
					copy: this.#options.copy === true,
					answersById: this.#options.answersById,
					inputWrites,
					at: this.#at,
					commit: (source, writes, nodes) =>
						this.#writeCheckpoint(source, writes, nodes),
					loaded: (tuple) => this.#tm.loaded(tuple), // telemetry (issue 13)
				},
				input,
			);
			prepared = true;
			const started = this.#store?.start();
			if (started !== undefined) await started;
			ending = await this.#loop();
		} catch (error) {
			// read before anything was written: the thread stays as it was
			if (!prepared && isWeftError(error, "GRAPH_CHANGED"))
				this.#refused = true;
			return this.#fail(error);
		}
		if ("refused" in ending) {
			this.#refused = true;
			this.#tm.fail(ending.refused); // telemetry (issue 13)
			throw ending.refused;
		}
		return ending.result;
	}

	async #loop(): Promise<Ending> {
		const limit = this.#config.recursionLimit ?? 100;
		const pauses = new PausePoints(this.#rt, this.#config);
		while (this.#at.tasks.length > 0) {
			if (this.#signal.aborted) throw new CancelSignal(this.#signal.reason);
			if (this.#stepsRun >= limit) throw await this.#stopped(limit);
			const before = pauses.before(
				this.#at.tasks,
				this.#at.skipBefore,
				this.#at.memory,
			);
			if (before.length > 0) return this.#pause(before, "before");
			this.#at.skipBefore = false;
			this.#tm.step(this.#at.step + 1); // telemetry (issue 13)
			// a step counts once started: one cancelled in its middle ran node code too (decision 0088)
			this.#stepsRun++;
			this.#lifecycle.step("EXECUTE");
			let outcomes = this.#executeStep(); // perf (issue 17): a promise only if one must be waited on
			if (outcomes instanceof Promise) outcomes = await outcomes;
			let settled = settleStep(outcomes, this.#store, this.#place);
			if (settled instanceof Promise) settled = await settled;
			if (settled.next === "fail") throw settled.error;
			if (settled.next === "refused") {
				// the answer was refused: the run stays paused as it was, nothing changed
				await this.#store?.end(this.#store.refusedStatus);
				this.#lifecycle.end("interrupted");
				return { refused: settled.error };
			}
			if (settled.next === "interrupted")
				return { result: await this.#finish("interrupted") };
			this.#lifecycle.step("COMMIT");
			const tasks = this.#at.tasks; // planning replaces them
			try {
				const committed = this.#commitStep(outcomes as DoneOutcome[]);
				if (committed !== undefined) await committed;
			} catch (error) {
				await this.#record(commitFailureRecords(error, tasks));
				throw error;
			}
			this.#lifecycle.step("PLAN");
			const after = pauses.after(outcomes, this.#at.tasks.length > 0);
			if (after.length > 0) return this.#pause(after, "after");
		}
		return { result: await this.#finish("done") };
	}

	// ---- executing ---------------------------------------------------------------------------

	#executeStep(): Outcome[] | Promise<Outcome[]> {
		this.#host = taskHost({
			threadId: this.#threadId,
			step: this.#at.step + 1,
			signal: this.#signal,
			ns: this.#ns,
			checkpointer: this.#cp,
			store: this.#store,
			config: this.#config,
			multi: this.#at.tasks.length > 1,
			events: this.#events,
			callbacks: this.#callbacks,
		});
		return executeTasks(
			this.#at.tasks,
			this.#runTask,
			this.#config.maxConcurrency,
			this.#watch,
			this.#abandoned,
		);
	}

	/**
	 * Runs one task of the step being executed, with the step's host. One function for the run, not a
	 * closure per step (perf, issue 17): no next step starts before every task of this one has started.
	 */
	readonly #runTask = (task: TaskSpec) =>
		// telemetry (issue 13): the node span and timing around each task
		this.#tm.task(runTask, task, {
			rt: this.#rt,
			host: this.#host!,
			// not added to the step's memory: what a task records there goes to the store, and what
			// the rest of the run reads from it (its interrupts) is added where it is recorded
			memory: this.#at.memory.get(task.id) ?? emptyMemory(),
			answers: this.#at.answers.byIndex.get(task.id) ?? NONE,
			answersById: this.#at.answers.byId.get(task.id) ?? NONE,
			values: this.#at.values,
			emit: this.#debug,
		});

	/** A cancelled step's tasks, still settling: the run's end waits for them. */
	readonly #abandoned = (settled: Promise<unknown>) => {
		this.#inFlight = settled;
	};

	/** Records a pause before or after nodes and ends the run as interrupted. */
	async #pause(
		items: readonly PauseItem[],
		when: "before" | "after",
	): Promise<Ending> {
		const records = pauseRecords(this.#place(), items, when); // into memory, store or not
		await this.#store?.persist(records);
		return { result: await this.#finish("interrupted") };
	}

	readonly #place = (): StepPlace => ({
		checkpointId: this.#store?.checkpointId,
		ns: this.#ns,
		memory: this.#at.memory,
		usage: this.#stepUsage(),
		subgraphs: this.#usage.subgraphs,
	});

	/** What the run spent on the step it stands on, and what answers saved there by a dead run cost (0217). */
	#stepUsage(): RunUsage | undefined {
		const spent = this.#usage.step;
		return this.#store === undefined ? spent : this.#store.stepUsage(spent);
	}

	// ---- committing --------------------------------------------------------------------------

	/** Applies a step's writes, plans and writes its checkpoint: a promise only if one must be waited on. */
	#commitStep(outcomes: DoneOutcome[]): Promise<void> | undefined {
		// index loops in the per-step path: no iterator objects before the optimizing compiler inlines them
		// (W1a's figure is mostly its first ≈ 400 ms: perf, issue 17)
		const writes: ChannelWrite[] = [];
		for (let i = 0; i < outcomes.length; i++) {
			const own = outcomes[i]!.writes;
			for (let j = 0; j < own.length; j++) writes.push(own[j]!);
		}
		this.#at.values = this.#rt.channels.apply(this.#at.values, writes, {
			strict: true,
		});
		const log = this.#writesLog;
		if (log !== undefined) for (const w of writes) log.push(w);
		// tasks come sorted by node: group a node's Send tasks, then add its routers' targets
		const ran = ranNodes(outcomes);
		const routed = routeRan(
			this.#rt,
			ran,
			this.#at.values,
			this.#config.context ?? {},
		);
		if (routed === undefined) return this.#plan(ran, writes, outcomes);
		return routed.then(() => this.#plan(ran, writes, outcomes));
	}

	#plan(
		ran: Ran,
		writes: ChannelWrite[],
		outcomes: DoneOutcome[],
	): Promise<void> | undefined {
		checkSends(this.#rt, ran);
		const plan = planTasks(this.#rt.topology, ran, this.#at.joins);
		this.#at.tasks = plan.tasks;
		this.#at.joins = plan.joins;
		if (this.#at.memory.size > 0) this.#at.memory = new Map();
		this.#at.answers = noAnswers();
		const nodes = this.#rt.names.map(ran, nodeOf); // shared when one node ran
		return this.#writeCheckpoint("loop", writes, nodes, outcomes);
	}

	#writeCheckpoint(
		source: CheckpointSource,
		writes: ChannelWrite[],
		nodes: string[],
		outcomes?: DoneOutcome[],
	): Promise<void> | undefined {
		this.#at.step += 1;
		const ranFrom = this.#store?.checkpointId;
		const checkpointId = this.#store?.commit(
			{
				step: this.#at.step,
				source,
				writes,
				nodes,
				tasks: this.#at.tasks,
				joins: this.#at.joins,
				metadata: this.#tm.metadata(this.#config.metadata, nodes), // telemetry (issue 13)
				usage: this.#usage.step,
				userMetadata: this.#config.metadata,
			},
			this.#at.values,
			this.#rt.snapshots,
		);
		if (checkpointId instanceof Promise)
			return checkpointId.then((id) => this.#committed(id, outcomes, ranFrom));
		return this.#committed(checkpointId, outcomes, ranFrom);
	}

	/**
	 * Once a step is saved: what each task wrote, then the state (LangGraph's order), then its id.
	 * `ranFrom`: the checkpoint the step's tasks ran from.
	 */
	#committed(
		checkpointId: string | undefined,
		outcomes: DoneOutcome[] | undefined,
		ranFrom: string | undefined,
	): undefined {
		if (checkpointId !== undefined) this.#usage.stepStored();
		if (outcomes !== undefined)
			this.#events.updates(this.#at.step, outcomes, ranFrom);
		this.#events.committed(this.#at.step, this.#at.values, checkpointId);
		return undefined;
	}

	// ---- ending ------------------------------------------------------------------------------

	async #finish(status: EndStatus): Promise<RunResult> {
		await this.#store?.end(status, this.#inFlight);
		this.#lifecycle.end(status);
		const interrupts =
			status === "interrupted"
				? runInterrupts(this.#at.tasks, this.#at.memory)
				: [];
		if (interrupts.length > 0)
			this.#events.emit(undefined, { type: "interrupt", interrupts });
		const result: RunResult = {
			status,
			values: this.#at.values,
			interrupts,
			checkpointId: this.#store?.checkpointId,
			steps: this.#stepsRun,
			usage: this.#usage.total,
		};
		this.#tm.end(result); // telemetry (issue 13)
		this.#events.emit(undefined, { type: "end", result });
		return result;
	}

	/**
	 * The recursion limit stopped the run before its next step: the tasks it stopped get the error at the
	 * checkpoint they were due at, as a failed node's, so the thread says why it failed.
	 */
	async #stopped(limit: number): Promise<GraphRecursionError> {
		const error = new GraphRecursionError(limit);
		await this.#record(errorRecords(this.#at.tasks, error));
		return error;
	}

	/**
	 * Saves the records of why the run fails where it stands (a failed commit's: `commit-failure.ts`), with
	 * what the run spent on the step (decision 0206).
	 */
	async #record(records: PendingWrite[]): Promise<void> {
		if (records.length === 0) return;
		const usage = usageRecord(this.#stepUsage(), this.#usage.subgraphs);
		if (usage !== undefined) records.push(usage);
		try {
			await this.#store?.persist(records);
		} catch {
			// the failure matters more than its record
		}
	}

	async #fail(thrown: unknown): Promise<RunResult> {
		let error = thrown;
		if (error instanceof CancelSignal) {
			if (!isWeftError(error.reason, "LEASE_LOST"))
				return this.#finish("cancelled");
			error = error.reason;
		}
		this.#tm.fail(error, this.#usage.total); // telemetry (issue 13)
		try {
			// taken over: the status is the new holder's; failed before starting: the thread stays as it was,
			// unless it has no checkpoint (its status is then only what its lease recorded: running)
			const keep =
				isWeftError(error, "LEASE_LOST") ||
				(this.#store?.started !== true && this.#store?.empty !== true);
			await this.#store?.end(keep ? undefined : "failed", this.#inFlight);
		} catch {
			// the original error matters more than a failed status write
		}
		if (this.#lifecycle.state !== "failed") this.#lifecycle.end("failed");
		keepSpent(error, this.#usage.total);
		this.#events.emit(undefined, {
			type: "error",
			node: error instanceof NodeError ? error.node : undefined,
			error,
			usage: this.#usage.total,
		});
		throw error;
	}
}
