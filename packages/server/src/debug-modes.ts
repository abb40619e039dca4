import type { TaskSpec } from "@weft/checkpoint";
import {
	type CompiledGraph,
	type StateSnapshot,
	updatesByTask,
} from "@weft/graph";
import { interruptsByTask, interruptTasks, toThreadState } from "./context.ts";
import { wireTaskId } from "./wire-ids.ts";
import { toWire } from "./wire-values.ts";

type AnyGraph = CompiledGraph<any, any>;

/** The stream modes `DebugModes` sends. */
const DEBUG_MODES = ["checkpoints", "tasks", "debug"] as const;
type DebugModeName = (typeof DEBUG_MODES)[number];

/** Where a run's debug events go, and what they say of it. */
interface RunAt {
	threadId: string;
	/** The checkpoint the run was asked to go on from (undefined: the thread's newest). */
	checkpointId: string | undefined;
	/** The run's metadata (as on its checkpoints): in each task start and config. */
	metadata: Record<string, unknown>;
}

/** A task started in the step in flight, waiting for its result event. */
interface Started {
	spec: TaskSpec;
	wireId: string;
	step: number;
}

/**
 * The `checkpoints`, `tasks` and `debug` stream modes, as LangGraph's server sends them, made from Weft's
 * runtime events (decision 0117). Each checkpoint the run writes is read back as `threads.getState` reads
 * it (same checkpoint and task ids, same values, metadata and tasks); a task starts on the runtime's task
 * start and gets its result from the next checkpoint's writes, its interrupts from the pause, its error
 * from the failed step. Only runs that ask for one of the three modes make one (the others pay nothing).
 */
export class DebugModes {
	readonly #graph: AnyGraph;
	readonly #run: RunAt;
	readonly #threadId: string;
	readonly #modes: ReadonlySet<DebugModeName>;
	readonly #push: (event: string, data: unknown) => void;
	readonly #metadata: Record<string, unknown>;
	/** The checkpoint the step in flight started from (undefined before the run's first). */
	#at: StateSnapshot | undefined;
	/** The checkpoint a resumed run goes on from, read before it starts (`resuming`). */
	#start: StateSnapshot | undefined;
	readonly #started = new Map<string, Started>();

	/** The debug events of a run that asks for `checkpoints`, `tasks` or `debug`; undefined for others. */
	static of(
		graph: AnyGraph,
		requested: ReadonlySet<string>,
		sink: { push(event: string, data: unknown): void },
		run: RunAt,
	): DebugModes | undefined {
		const modes = DEBUG_MODES.filter((m) => requested.has(m));
		return modes.length === 0
			? undefined
			: new DebugModes(graph, new Set(modes), sink, run);
	}

	private constructor(
		graph: AnyGraph,
		modes: ReadonlySet<DebugModeName>,
		sink: { push(event: string, data: unknown): void },
		run: RunAt,
	) {
		this.#graph = graph;
		this.#run = run;
		this.#threadId = run.threadId;
		this.#modes = modes;
		this.#push = (event, data) => sink.push(event, data);
		this.#metadata = run.metadata;
	}

	/**
	 * The run resumes (a `Command`): reads the checkpoint it goes on from now, while its interrupts are
	 * still pending, as LangGraph's server sends it before the resumed task.
	 */
	async resuming(): Promise<void> {
		this.#start = await this.#readStart().catch(() => undefined);
	}

	#readStart(): Promise<StateSnapshot> {
		return this.#graph.getState({
			threadId: this.#threadId,
			checkpointId: this.#run.checkpointId,
		});
	}

	/** The run wrote checkpoint `checkpointId`: the results of the step's tasks, then the checkpoint. */
	async checkpoint(checkpointId: string): Promise<void> {
		const snap = await this.#graph.getState({
			threadId: this.#threadId,
			checkpointId,
		});
		for (const [id, s] of this.#started)
			this.#result(s, {
				result: toWire(snap.writes[id] ?? {}),
				interrupts: [],
				error: null,
			});
		this.#started.clear();
		await this.#emitCheckpoint(snap, true);
	}

	/**
	 * A task of the run started. When the run has written no checkpoint yet (it resumed, or goes on after
	 * its first worker died), the one it goes on from is sent first, as LangGraph's server does.
	 */
	async taskStart(taskId: string, step: number): Promise<void> {
		if (this.#at === undefined)
			await this.#emitCheckpoint(this.#start ?? (await this.#readStart()));
		const snap = this.#at!;
		const spec = snap.tasks.find((t) => t.id === taskId);
		if (spec === undefined) return;
		const wireId = wireTaskId(snap.checkpointId, taskId);
		this.#started.set(taskId, { spec, wireId, step });
		const send = "input" in spec;
		this.#send("tasks", "task", step, {
			id: wireId,
			name: spec.node,
			input: toWire(send ? spec.input : snap.values),
			triggers: send ? ["__pregel_push"] : [`branch:to:${spec.node}`],
			interrupts: [],
			metadata: this.#metadata,
		});
	}

	/**
	 * The run paused: each started task that asked gets its interrupts (and an empty result), one that
	 * finished in the paused step the writes it saved.
	 */
	async paused(): Promise<void> {
		if (this.#started.size === 0) return; // paused before its step (`interrupt_before`)
		const snap = await this.#reread();
		if (snap === undefined) return;
		const byTask = interruptsByTask(
			snap,
			await interruptTasks(this.#graph.checkpointer!, snap),
		);
		const tuple = await this.#graph.checkpointer?.getTuple({
			threadId: this.#threadId,
			checkpointId: snap.checkpointId,
		});
		for (const [id, s] of this.#started) {
			const done = tuple?.pendingWrites.find(
				(w) => w.kind === "done" && w.taskId === id,
			);
			const writes =
				done?.kind === "done"
					? Object.assign({}, ...(updatesByTask(done.writes)[id] ?? []))
					: {};
			this.#result(s, {
				result: toWire(writes),
				interrupts: byTask[s.wireId] ?? [],
				error: null,
			});
		}
		this.#started.clear();
	}

	/** The run failed: each started task with a recorded failure gets it as its result's error. */
	async failed(): Promise<void> {
		if (this.#started.size === 0) return;
		const snap = await this.#reread().catch(() => undefined);
		for (const [id, s] of this.#started) {
			const error = snap?.errors?.[id];
			if (error !== undefined)
				this.#result(s, {
					result: {},
					interrupts: [],
					error: { message: error.message, name: error.code },
				});
		}
		this.#started.clear();
	}

	/** The checkpoint the step in flight started from, read again (its pending writes have grown). */
	async #reread(): Promise<StateSnapshot | undefined> {
		if (this.#at === undefined) return undefined;
		return this.#graph.getState({
			threadId: this.#threadId,
			checkpointId: this.#at.checkpointId,
		});
	}

	#result(
		s: Started,
		r: { result: unknown; interrupts: unknown[]; error: unknown },
	): void {
		this.#send("tasks", "task_result", s.step, {
			id: s.wireId,
			name: s.spec.node,
			result: r.result,
			interrupts: r.interrupts,
			error: r.error,
		});
	}

	/**
	 * `written`: the run has just written it, and none of its tasks has run: what they ask comes with the
	 * pause (the state read now may hold an interrupt a task already raised: never in this event).
	 */
	async #emitCheckpoint(snap: StateSnapshot, written = false): Promise<void> {
		this.#at = snap;
		const state = toThreadState(
			snap,
			!written && snap.interrupts.length > 0
				? await interruptTasks(this.#graph.checkpointer!, snap)
				: undefined,
		);
		const config = (checkpointId: string) => ({
			configurable: {
				thread_id: this.#threadId,
				checkpoint_ns: "",
				checkpoint_id: checkpointId,
			},
			metadata: this.#metadata,
		});
		const payload = {
			config: config(snap.checkpointId),
			...(snap.parentCheckpointId === null
				? {}
				: { parent_config: config(snap.parentCheckpointId) }),
			values: state.values,
			metadata: state.metadata,
			next: state.next,
			tasks: state.tasks.map((t, i) => {
				const spec = snap.tasks[i]!;
				const send = /#(\d+)$/.exec(spec.id);
				return {
					id: t.id,
					name: t.name,
					path:
						send === null
							? ["__pregel_pull", spec.node]
							: ["__pregel_push", Number(send[1]), false],
					...(t.error === null || written ? {} : { error: t.error }),
					interrupts: written ? [] : t.interrupts,
				};
			}),
			checkpoint: state.checkpoint,
			parent_checkpoint: state.parent_checkpoint,
		};
		if (this.#modes.has("checkpoints")) this.#push("checkpoints", payload);
		if (this.#modes.has("debug"))
			this.#push("debug", {
				step: snap.step,
				type: "checkpoint",
				timestamp: new Date().toISOString(),
				payload,
			});
	}

	/** A `tasks` event, and its `debug` twin (`type` `task` or `task_result`). */
	#send(
		mode: "tasks",
		type: "task" | "task_result",
		step: number,
		payload: unknown,
	): void {
		if (this.#modes.has(mode)) this.#push(mode, payload);
		if (this.#modes.has("debug"))
			this.#push("debug", {
				step,
				type,
				timestamp: new Date().toISOString(),
				payload,
			});
	}
}
