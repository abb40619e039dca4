import type { EventOrigin, EventTask } from "@weft/graph";
import { messageMetadata, wireTaskId } from "./wire-ids.ts";
import { messageDict, toWire } from "./wire-values.ts";

/** LangGraph's name for a compiled graph's own run in `events` (a client finds the root's end by it). */
const GRAPH_NAME = "LangGraph";

type Chunk = Parameters<typeof messageDict>[0] & {
	concat?: (other: unknown) => unknown;
	response_metadata?: unknown;
};

/** A model call seen through its chunks: the run it stands for and the message so far. */
interface ModelCall {
	runId: string;
	name: string;
	metadata: Record<string, unknown>;
	parents: string[];
	message: Chunk;
}

/** A node's task of the current step, from its start to its update. */
interface OpenTask {
	runId: string;
	name: string;
	step: number;
	metadata: Record<string, unknown>;
	/** The state it started from (wire form). */
	input: unknown;
	calls: ModelCall[];
	/** Its updates, sent when its step is saved. */
	updates: Record<string, unknown>[];
}

/**
 * The `events` stream mode, as LangGraph's server sends it (LangChain's stream events, version 2): each
 * `events` event is `{ event, name, run_id, tags, metadata, data, parent_ids }`. Sent: the graph's run
 * (`on_chain_start` with its input, `on_chain_end` with the state it ended with, unless cancelled), each
 * node's task (`on_chain_start` with the state it starts from; `on_chain_end` with its output once its
 * step is saved) and each model call of a node (`on_chat_model_start` at its first token chunk,
 * `on_chat_model_stream` per chunk, `on_chat_model_end` with the whole message when its node ends). Read
 * from the runtime's task, message, checkpoint, update and values events; a subgraph's nodes are inside
 * their parent's node.
 */
export class EventsMode {
	readonly #push: (event: string, data: unknown) => void;
	readonly #runId: string;
	readonly #metadata: Record<string, unknown>;
	/** The checkpoint the coming step runs from (a task's wire id is made from it). */
	#from: string | undefined;
	readonly #tasks = new Map<string, OpenTask>();
	/** The model calls streaming now, by message id. */
	readonly #calls = new Map<string, ModelCall>();
	/** The state the current step's tasks start from, and its wire form. */
	#state: { values: Record<string, unknown>; wire: unknown } | undefined;

	constructor(
		push: (event: string, data: unknown) => void,
		runId: string,
		metadata: Record<string, unknown>,
		from: string | undefined,
	) {
		this.#push = push;
		this.#runId = runId;
		this.#metadata = metadata;
		this.#from = from;
	}

	#send(
		event: string,
		run: { runId: string; name: string; metadata: Record<string, unknown> },
		tags: string[],
		parents: string[],
		data: Record<string, unknown>,
	): void {
		this.#push("events", {
			event,
			name: run.name,
			run_id: run.runId,
			tags,
			metadata: run.metadata,
			data,
			parent_ids: parents,
		});
	}

	#graph() {
		return {
			runId: this.#runId,
			name: GRAPH_NAME,
			metadata: this.#metadata,
		};
	}

	/** The run starts, with what it was given: its input, or its command (LangGraph's form of one). */
	start(
		input: unknown,
		command?: { resume?: unknown; update?: unknown },
	): void {
		this.#send("on_chain_start", this.#graph(), [], [], {
			input:
				command == null
					? toWire(input)
					: { lg_name: "Command", ...command, goto: [] },
		});
	}

	/** A checkpoint was written: the next step's tasks run from it. */
	checkpoint(checkpointId: string): void {
		this.#from = checkpointId;
	}

	/** A node's task started from the run's state `values` (a root run's task; a subgraph's are inside it). */
	taskStart(
		step: number,
		node: string,
		id: string,
		values: Record<string, unknown>,
	): void {
		const task: EventTask = { node, id, checkpointId: this.#from };
		// the step's tasks start from one state: made into its wire form once
		if (this.#state?.values !== values)
			this.#state = { values, wire: toWire(values) };
		const input = this.#state.wire;
		const open: OpenTask = {
			runId: wireTaskId(this.#from ?? "", id),
			name: node,
			step,
			metadata: {
				...this.#metadata,
				...messageMetadata({ step, tasks: [task] }),
			},
			input,
			calls: [],
			updates: [],
		};
		this.#tasks.set(id, open);
		this.#send("on_chain_start", open, [`graph:step:${step}`], [this.#runId], {
			input,
		});
	}

	/** A token chunk of a model call, from the task (outermost first) that made it, and its model's params. */
	chunk(
		chunk: Chunk,
		origin: EventOrigin & {
			modelParams?: Readonly<Record<string, unknown>> | undefined;
		},
	): void {
		const id = chunk.id;
		const task = this.#tasks.get(origin.tasks[0]!.id);
		if (id == null || id === "" || task === undefined) return;
		let call = this.#calls.get(id);
		if (call === undefined) {
			call = {
				runId: id.startsWith("run-") ? id.slice(4) : id,
				name: modelName(chunk),
				metadata: {
					...this.#metadata,
					...messageMetadata(origin),
					ls_model_type: "chat",
					...origin.modelParams,
				},
				parents: [this.#runId, task.runId],
				message: chunk,
			};
			this.#calls.set(id, call);
			task.calls.push(call);
			this.#send("on_chat_model_start", call, [], call.parents, {});
		} else if (typeof call.message.concat === "function")
			call.message = call.message.concat(chunk) as Chunk;
		this.#send("on_chat_model_stream", call, [], call.parents, {
			chunk: messageDict(chunk),
		});
	}

	/** An update of a task (a subgraph node sends one per step of the subgraph), once its step is saved. */
	update(taskId: string, data: Record<string, unknown>): void {
		this.#tasks.get(taskId)?.updates.push(data);
	}

	/**
	 * The step's state `values` is saved: its tasks that sent their updates end, with their model calls.
	 * A task's output is its update; a subgraph node's (several updates), the state's values of the keys
	 * it wrote, as the subgraph's output holds them after its reducers.
	 */
	stepSaved(values: Record<string, unknown>): void {
		for (const [id, task] of this.#tasks) {
			if (task.updates.length === 0) continue; // paused, or failed
			this.#tasks.delete(id);
			for (const call of task.calls) {
				this.#calls.delete(call.message.id!);
				this.#send("on_chat_model_end", call, [], call.parents, {
					output: messageDict(call.message),
				});
			}
			const output =
				task.updates.length === 1
					? task.updates[0]!
					: Object.fromEntries(
							[...new Set(task.updates.flatMap((u) => Object.keys(u)))].map(
								(k) => [k, values[k]],
							),
						);
			this.#send(
				"on_chain_end",
				task,
				[`graph:step:${task.step}`],
				[this.#runId],
				{ input: task.input, output: toWire(output) },
			);
		}
	}

	/** The run ended (done, or paused at an interrupt: not cancelled) with these values. */
	end(values: Record<string, unknown>): void {
		this.#send("on_chain_end", this.#graph(), [], [], {
			output: toWire(values),
		});
	}
}

/** The model's name as its provider reports it on the chunk, else LangChain's generic one. */
function modelName(chunk: Chunk): string {
	const meta = chunk.response_metadata as
		| { model_name?: unknown; model?: unknown }
		| null
		| undefined;
	const name = meta?.model_name ?? meta?.model;
	return typeof name === "string" && name !== "" ? name : "ChatModel";
}
