import type {
	Checkpointer,
	StoredCheckpoint,
	ThreadInfo,
} from "@weft/checkpoint";
import { ConfigError, validateId, WeftError } from "@weft/checkpoint";
import type { Command } from "../command.ts";
import { INPUT_NODE, type START } from "../constants.ts";
import { checkedInput, checkStateConfig } from "../runtime/check-config.ts";
import type {
	CompileOptions,
	RunConfig,
	RunResult,
	StreamConfig,
	StreamEvent,
} from "../runtime/events.ts";
import { GraphNames } from "../runtime/graph-names.ts";
import { Run } from "../runtime/loop.ts";
import { type NodeRunner, withPolicies } from "../runtime/node-policies.ts";
import { recoverRefusal } from "../runtime/recover-refusal.ts";
import { needsCheckpointer } from "../runtime/run-errors.ts";
import { runEvents } from "../runtime/run-events.ts";
import type { GraphRuntime } from "../runtime/runtime.ts";
import { DEFAULT_SNAPSHOTS, replayChain } from "../runtime/state-loader.ts";
import { topologyOf } from "../runtime/step/plan-tasks.ts";
import { runSubgraph, subgraphValues } from "../runtime/subgraph-run.ts";
import { recoveryHead } from "../runtime/thread-heads.ts";
import type { RunUsage } from "../runtime/usage.ts";
import { Channels } from "../state/channels.ts";
import { type AgentInfo, checkAgentInfo } from "../telemetry/agent-span.ts";
import { diffValues, type StateDiff } from "../time-travel/diff-states.ts";
import {
	type HistoryOptions,
	readHistory,
	readState,
	type StateHistory,
	type StateSnapshot,
} from "../time-travel/read-state.ts";
import { threadUsage } from "../time-travel/thread-usage.ts";
import { updateState } from "../time-travel/update-state.ts";
import { describeGraph, type GraphDescription } from "./describe-graph.ts";
import { toMermaid } from "./mermaid.ts";
import type {
	AnyStateSchema,
	NodeContext,
	StateOf,
	UpdateOf,
} from "./types.ts";
import type { BranchSpec, GraphSpec } from "./validate-graph.ts";

export type { CompileOptions };

/** Names a thread, and optionally one of its checkpoints. */
export interface StateConfig {
	threadId: string;
	checkpointId?: string | undefined;
}

/** Run input: a (partial) state, a `Command` carrying `resume`, or null to continue. */
export type GraphInput<TSchema extends AnyStateSchema> =
	| UpdateOf<TSchema>
	| Command
	| null;

/**
 * A graph ready to run: `invoke`, `run`, `stream`, and time travel over its checkpoints. Also usable as a
 * node of another graph (a subgraph), whose checkpoints then live in the parent's thread.
 */
export class CompiledGraph<
	TSchema extends AnyStateSchema,
	TNodes extends string = string,
> {
	readonly schema: TSchema;
	readonly name: string;
	readonly #rt: GraphRuntime;
	readonly #spec: GraphSpec;
	readonly #options: CompileOptions<TNodes>;

	constructor(
		schema: TSchema,
		spec: GraphSpec,
		options: CompileOptions<TNodes>,
	) {
		this.schema = schema;
		this.#spec = spec;
		this.#options = options;
		this.name = options.name ?? "graph";
		const runners = new Map<string, NodeRunner>();
		const sendInputs = new Map<string, Channels>();
		for (const node of spec.nodes.values()) {
			const sub = node.subgraph;
			if (sub instanceof CompiledGraph)
				sendInputs.set(node.name, sub.#rt.channels);
			const fn =
				sub instanceof CompiledGraph
					? (input: unknown, ctx: NodeContext) =>
							runSubgraph(sub.#rt, input, ctx, node.name)
					: node.fn!;
			runners.set(node.name, withPolicies(node.name, fn, node.options));
		}
		const branches = new Map<string, BranchSpec[]>();
		for (const b of spec.branches)
			branches.set(b.from, [...(branches.get(b.from) ?? []), b]);
		const channels = new Channels(schema);
		this.#rt = {
			name: this.name,
			agent: checkAgentInfo(options.agent),
			channels,
			topology: topologyOf(spec),
			runners,
			sendInputs,
			branches,
			interruptBefore: new Set(options.interruptBefore ?? []),
			interruptAfter: new Set(options.interruptAfter ?? []),
			checkpointer: options.checkpointer,
			store: options.store,
			leaseTtlMs: options.leaseTtlMs,
			names: new GraphNames(this.name, [
				...spec.nodes.keys(),
				...channels.keys,
			]),
			snapshots: {
				...DEFAULT_SNAPSHOTS,
				...definedOnly(options.snapshots ?? {}),
			},
		};
	}

	/** The checkpointer given to `compile()`, if any. */
	get checkpointer(): Checkpointer | undefined {
		return this.#rt.checkpointer;
	}

	/** Who the graph is as a GenAI agent (`compile({ agent })`), if it is one. */
	get agent(): AgentInfo | undefined {
		return this.#rt.agent;
	}

	/**
	 * The same graph traced as a GenAI agent: its run span is `invoke_agent {name}` (decision 0131); this
	 * graph is unchanged. `createSupervisor` names its agents this way.
	 */
	asAgent(agent: AgentInfo): CompiledGraph<TSchema, TNodes> {
		return new CompiledGraph(this.schema, this.#spec, {
			...this.#options,
			agent,
		});
	}

	/** The same graph on another checkpointer (for example the CLI's database); this graph is unchanged. */
	withCheckpointer(checkpointer: Checkpointer): CompiledGraph<TSchema, TNodes> {
		return new CompiledGraph(this.schema, this.#spec, {
			...this.#options,
			checkpointer,
		});
	}

	/** Runs and returns the final state (also when the run paused at an interrupt; see `run()` for the status). */
	async invoke(
		input: GraphInput<TSchema>,
		config: RunConfig = {},
	): Promise<StateOf<TSchema>> {
		const result = await this.run(input, config);
		if (result.status === "cancelled") {
			throw new WeftError("RUN_CANCELLED", "the run was cancelled", {
				hint: "its last checkpoint is valid: continue it with invoke(null, { threadId }); the thread stays busy until a node that ignores its signal has settled, so pass waitForLease (ms) to wait for that",
			});
		}
		return result.values;
	}

	/** Runs and returns how it ended: status, values, pending interrupts, checkpoint id, steps, usage. */
	run(
		input: GraphInput<TSchema>,
		config: RunConfig = {},
	): Promise<RunResult<StateOf<TSchema>>> {
		return new Run(this.#rt, config).execute(input) as Promise<
			RunResult<StateOf<TSchema>>
		>;
	}

	/**
	 * Checks a run's input as `run()` would before it takes the thread, without running or reading anything
	 * (a server refuses a request that could only fail, before it makes a run): a `ValidationError` for an
	 * input the state schema refuses and, with `firstInput` (a thread without checkpoints), for one that
	 * gives a required key no value. `null` and a `Command` pass: they go on from the thread's state.
	 */
	validateInput(input: unknown, options: { firstInput?: boolean } = {}): void {
		const writes = checkedInput(this.#rt, input);
		if (writes === undefined || options.firstInput !== true) return;
		const missing = this.#rt.channels.requiredMissingFrom(writes, INPUT_NODE);
		if (missing !== undefined) throw missing;
	}

	/**
	 * The state keys a thread's first input must give, in the schema's order: those without a default, a
	 * reducer `init` or `.optional()` (`validateInput(input, { firstInput: true })` and a run on a new
	 * thread refuse input that leaves one out). A tool's input schema lists them as `required`.
	 */
	requiredInputKeys(): readonly (keyof TSchema["shape"] & string)[] {
		return this.#rt.channels.requiredKeys() as (keyof TSchema["shape"] &
			string)[];
	}

	/**
	 * Re-runs from a checkpoint as a new branch: every task due there runs again, ignoring results saved
	 * there (compare `invoke(null, { threadId, checkpointId })`, which continues and reuses them).
	 */
	replay(
		config: StateConfig & RunConfig,
	): Promise<RunResult<StateOf<TSchema>>> {
		return new Run(this.#rt, config, { fresh: true }).execute(null) as Promise<
			RunResult<StateOf<TSchema>>
		>;
	}

	/**
	 * Runs this graph from inside a node function, as a subgraph of the running graph, and returns its
	 * final state. Use it when this graph's state differs from the caller's (map the input in, the result
	 * out); `addNode(name, graph)` does the same for a graph whose keys match. Its checkpoints nest in the
	 * caller's thread under the namespace `name` (default: the calling node's name); an interrupt inside
	 * pauses the calling task, and resuming the thread resumes it here; a task that runs again after the
	 * subgraph finished (a crash before the step committed) gets its final state without re-running it.
	 * One subgraph per node task, and no `ctx.interrupt()` of its own.
	 * @example
	 * .addNode("research", async (s, ctx) => {
	 *   const out = await researcher.invokeAsSubgraph(ctx, { messages: [new HumanMessage(s.question)] });
	 *   return { answer: out.messages.at(-1)?.text };
	 * })
	 */
	invokeAsSubgraph(
		ctx: NodeContext,
		input: UpdateOf<TSchema>,
		options: { name?: string | undefined } = {},
	): Promise<StateOf<TSchema>> {
		return subgraphValues(
			this.#rt,
			input,
			ctx,
			options.name ?? ctx.node,
		) as Promise<StateOf<TSchema>>;
	}

	/**
	 * Runs and yields events as they happen; the last one is `end` with the result. Leaving the loop before
	 * the run's `interrupt` or `end` cancels the run, as its `signal` would (decision 0102).
	 */
	stream(
		input: GraphInput<TSchema>,
		config: StreamConfig = {},
	): AsyncGenerator<StreamEvent<StateOf<TSchema>>> {
		return runEvents(this.#rt, input, config, {}) as AsyncGenerator<
			StreamEvent<StateOf<TSchema>>
		>;
	}

	/**
	 * `replay()` that yields its events as they happen, as `stream()` does (the CLI's `weft replay` shows
	 * its steps with them); the last one is `end` with the result.
	 */
	streamReplay(
		config: StateConfig & StreamConfig,
	): AsyncGenerator<StreamEvent<StateOf<TSchema>>> {
		return runEvents(this.#rt, null, config, { fresh: true }) as AsyncGenerator<
			StreamEvent<StateOf<TSchema>>
		>;
	}

	/**
	 * Continues a thread whose runner died (it reads as `stale` once the dead runner's lease expired): takes
	 * the lease over and runs on from the dead run's branch (`getRecoveryCheckpoint`), reusing what it saved.
	 * A thread whose runner is alive answers `THREAD_BUSY`; a done thread is returned as it is. A thread
	 * whose runner stopped on its own (failed, cancelled, waiting for an answer) or that never ran is refused
	 * with `CONFIG_INVALID` naming the call that applies, and nothing is written (decision 0112).
	 */
	async recover(
		threadId: string,
		config: Omit<RunConfig, "threadId"> = {},
	): Promise<RunResult<StateOf<TSchema>>> {
		const { checkpointer } = this.#reader({ threadId });
		const refused = recoverRefusal(
			threadId,
			await checkpointer.getThread(threadId),
		);
		if (refused !== undefined) throw refused;
		const checkpointId =
			config.checkpointId ?? (await recoveryHead(checkpointer, threadId));
		return this.run(null, {
			...config,
			threadId,
			...(checkpointId === undefined ? {} : { checkpointId }),
		});
	}

	/**
	 * The checkpoint `recover()` goes on from: the newest head, unless a runner died answering an older
	 * branch by its checkpointId (that head holds the answer, its step never committed, and the newest head
	 * shows no step under way); then that head. Undefined: the newest (decision 0209).
	 */
	async getRecoveryCheckpoint(config: {
		threadId: string;
	}): Promise<string | undefined> {
		const { checkpointer } = this.#reader(config);
		return recoveryHead(checkpointer, config.threadId);
	}

	/** What the store knows of a thread: status (`stale` included), branch heads, lease; undefined if none. */
	getThread(config: { threadId: string }): Promise<ThreadInfo | undefined> {
		const { checkpointer } = this.#reader(config);
		return checkpointer.getThread(config.threadId);
	}

	/** The state at a checkpoint (default: the thread's newest). */
	async getState(
		config: StateConfig,
	): Promise<StateSnapshot<StateOf<TSchema>>> {
		return readState(this.#reader(config), config) as Promise<
			StateSnapshot<StateOf<TSchema>>
		>;
	}

	/**
	 * The thread's checkpoints with their states, newest first; with `checkpointId`, that checkpoint and its
	 * ancestors only (its branch), as LangGraph lists history from a checkpoint.
	 */
	getStateHistory(
		config: StateConfig,
		options: HistoryOptions = {},
	): StateHistory<StateOf<TSchema>> {
		return readHistory(this.#reader(config), config, options) as StateHistory<
			StateOf<TSchema>
		>;
	}

	/** The thread's model usage over all its runs and branches (tokens, cost, calls; by model, by node). */
	getUsage(config: { threadId: string }): Promise<RunUsage> {
		return threadUsage(this.#reader(config).checkpointer, config.threadId);
	}

	/**
	 * Writes a new checkpoint after the given (default: newest) one with `values` applied as if `asNode` had
	 * returned them (`START`: as the graph's input, what START leads to due next). The original branch is
	 * untouched; run on from the result with `invoke(null, …)`. Holds the thread's lease while it writes:
	 * `THREAD_BUSY` while a run holds it, or wait `waitForLease` ms.
	 */
	async updateState(
		config: StateConfig & { waitForLease?: number | undefined },
		values: UpdateOf<TSchema>,
		options: { asNode?: TNodes | START | undefined } = {},
	): Promise<{ threadId: string; checkpointId: string }> {
		const checkpointId = await updateState(
			this.#rt,
			this.#requireCheckpointer("updateState"),
			config,
			values,
			options,
		);
		return { threadId: config.threadId, checkpointId };
	}

	/** What changed between two checkpoints' states, as data. */
	async diffStates(a: StateConfig, b: StateConfig): Promise<StateDiff[]> {
		const [x, y] = await Promise.all([this.getState(a), this.getState(b)]);
		return diffValues(x.values, y.values);
	}

	/**
	 * Removes old checkpoints of a thread; kept ones stay readable (the oldest kept one of a branch gets
	 * a full snapshot). Returns how many were removed.
	 */
	prune(
		threadId: string,
		options: { keepLast?: number; keepSince?: Date },
	): Promise<number> {
		const cp = this.#requireCheckpointer();
		return cp.prune(threadId, {
			...options,
			rebuild: (chain: StoredCheckpoint[]) =>
				this.#channelsFor(chain[0]?.ns ?? "").replay(chain),
		});
	}

	/** The graph's nodes (subgraphs' nodes included) and edges by kind, as data. */
	describe(): GraphDescription {
		return describeGraph(this.#spec, this.#subgraphSpec);
	}

	/** A Mermaid flowchart of the graph. */
	toMermaid(): string {
		return toMermaid(this.#spec, this.#subgraphSpec);
	}

	/** The spec of the compiled subgraph a node runs, if it runs one (for drawing nested graphs). */
	readonly #subgraphSpec = (node: string) => {
		const sub = this.#spec.nodes.get(node)?.subgraph;
		return sub instanceof CompiledGraph ? sub.#spec : undefined;
	};

	#reader(config: StateConfig) {
		const checkpointer = this.#requireCheckpointer();
		if (config?.threadId === undefined) {
			throw new ConfigError(
				"CONFIG_INVALID",
				"reading state needs a threadId",
				{ hint: 'pass { threadId: "…" }' },
			);
		}
		checkStateConfig(config);
		validateId(config.threadId, "thread id");
		if (config.checkpointId !== undefined)
			validateId(config.checkpointId, "checkpoint id");
		return { checkpointer, channels: this.#rt.channels };
	}

	#requireCheckpointer(what = "reading a thread"): Checkpointer {
		const cp = this.#rt.checkpointer;
		if (cp === undefined) throw needsCheckpointer(what);
		return cp;
	}

	/** The channels of the graph that owns a namespace (a subgraph's for "node" or "outer:inner"). */
	#channelsFor(ns: string): {
		replay(chain: StoredCheckpoint[]): Record<string, unknown>;
	} {
		let graph: CompiledGraph<any, any> = this;
		for (const part of ns === "" ? [] : ns.split(":")) {
			const sub = graph.#spec.nodes.get(part)?.subgraph;
			if (!(sub instanceof CompiledGraph)) break;
			graph = sub;
		}
		const channels = graph.#rt.channels;
		return { replay: (chain) => replayChain(channels, chain) };
	}
}

function definedOnly<T extends object>(
	o: T,
): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
	return Object.fromEntries(
		Object.entries(o).filter(([, v]) => v !== undefined),
	) as never;
}
