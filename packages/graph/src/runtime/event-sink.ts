import type { StreamEvent, StreamMode } from "./events.ts";
import { newestKeeper } from "./keep-shape.ts";
import { updateObjects } from "./update-objects.ts";

/** What a subgraph run of a stream that asked for subgraph events passes up (`StreamConfig.subgraphs`). */
export interface SubgraphEvents {
	/** The modes the stream asked for (the child run's). */
	modes: ReadonlySet<StreamMode> | undefined;
	/** Sends a child's event, already filtered by `modes`, to the stream. */
	forward(event: StreamEvent): void;
}

/** The streams of a run nobody consumes: one shared, empty set (never changed). */
const NO_STREAMS: ReadonlySet<"messages" | "custom"> = new Set();

const keepEventSink = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * Where a run's events go: the stream's consumer, filtered by the modes it asked for. Without a consumer
 * every call is a no-op, so an `invoke` pays nothing for events.
 */
export class EventSink {
	readonly #sink: ((event: StreamEvent) => void) | undefined;
	readonly #modes: ReadonlySet<StreamMode> | undefined;
	/** The node-level modes someone consumes (fixed for the run). */
	readonly streams: ReadonlySet<"messages" | "custom">;
	/** Set when the stream asked for subgraph runs' own events. */
	readonly subgraphs: SubgraphEvents | undefined;

	constructor(
		sink: ((event: StreamEvent) => void) | undefined,
		modes: ReadonlySet<StreamMode> | undefined,
		subgraphs = false,
	) {
		keepEventSink(this);
		this.#sink = sink;
		this.#modes = modes;
		if (sink === undefined) {
			this.streams = NO_STREAMS;
			this.subgraphs = undefined;
			return;
		}
		this.subgraphs = subgraphs ? { modes, forward: sink } : undefined;
		const streams = new Set<"messages" | "custom">();
		if (this.wants("messages")) streams.add("messages");
		if (this.wants("custom")) streams.add("custom");
		this.streams = streams;
	}

	/** Someone consumes the stream at all. */
	get active(): boolean {
		return this.#sink !== undefined;
	}

	/** Someone consumes events of this mode. */
	wants(mode: StreamMode): boolean {
		if (this.#sink === undefined) return false;
		const modes = this.#modes;
		return modes === undefined || modes.has(mode) || modes.has("debug");
	}

	/** Sends an event if its mode is selected (`undefined`: an event every consumer gets). */
	emit(mode: StreamMode | undefined, event: StreamEvent): void {
		if (mode === undefined ? this.#sink !== undefined : this.wants(mode))
			this.#sink!(event);
	}

	/** A checkpoint was written (or, without a store, a step applied): the state, and its id. */
	committed(
		step: number,
		values: Record<string, unknown>,
		checkpointId: string | undefined,
	): void {
		if (this.#sink === undefined) return;
		this.emit("values", { type: "values", step, data: values });
		if (checkpointId !== undefined)
			this.emit("checkpoints", { type: "checkpoint", checkpointId, step });
	}

	/** What each task of a committed step wrote; `ranFrom`: the checkpoint the step's tasks ran from. */
	updates(
		step: number,
		outcomes: ReadonlyArray<{
			task: { node: string; id: string };
			writes: ReadonlyArray<readonly [string, string, unknown]>;
		}>,
		ranFrom: string | undefined,
	): void {
		if (!this.wants("updates")) return;
		for (const o of outcomes) {
			const { node, id } = o.task;
			const task = { node, id, checkpointId: ranFrom };
			for (const data of updateObjects(o.writes))
				this.emit("updates", { type: "update", step, node, data, task });
		}
	}
}
