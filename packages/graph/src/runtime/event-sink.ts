import type { StreamEvent, StreamMode } from "./events.ts";

/**
 * Where a run's events go: the stream's consumer, filtered by the modes it asked for. Without a consumer
 * every call is a no-op, so an `invoke` pays nothing for events.
 */
export class EventSink {
	readonly #sink: ((event: StreamEvent) => void) | undefined;
	readonly #modes: ReadonlySet<StreamMode> | undefined;
	/** The node-level modes someone consumes (fixed for the run). */
	readonly streams: ReadonlySet<"messages" | "custom">;

	constructor(
		sink: ((event: StreamEvent) => void) | undefined,
		modes: ReadonlySet<StreamMode> | undefined,
	) {
		this.#sink = sink;
		this.#modes = modes;
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
}
