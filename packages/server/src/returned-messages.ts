import { isMessage, type MessageLike } from "./wire-values.ts";

/**
 * The messages a node returned without streaming them (a tool's answer, a message a plain function
 * made), which `messages-tuple` sends once, as LangGraph's server does: on the node's update, each
 * message of it whose id was neither streamed as chunks nor in the state the node read.
 */
export class ReturnedMessages {
	readonly #seen = new Set<string>();

	/** A streamed chunk: its message goes out as chunks. */
	streamed(chunk: { id?: unknown }): void {
		if (typeof chunk.id === "string") this.#seen.add(chunk.id);
	}

	/** A state of the run: its messages are what the next step's nodes read. */
	state(values: Record<string, unknown>): void {
		for (const m of messagesOf(values))
			if (typeof m.id === "string") this.#seen.add(m.id);
	}

	/** The messages of a node's update not sent yet, now marked sent (one without an id goes too). */
	fresh(data: Record<string, unknown>): MessageLike[] {
		const out: MessageLike[] = [];
		for (const m of messagesOf(data)) {
			if (typeof m.id === "string") {
				if (this.#seen.has(m.id)) continue;
				this.#seen.add(m.id);
			}
			out.push(m);
		}
		return out;
	}
}

/** The messages among an object's values, and in its values that are lists (LangGraph looks as deep). */
function* messagesOf(values: Record<string, unknown>): Generator<MessageLike> {
	for (const key in values) {
		const v = values[key];
		if (isMessage(v)) yield v;
		else if (Array.isArray(v))
			for (const item of v) if (isMessage(item)) yield item;
	}
}
