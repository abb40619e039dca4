import { messageDict, toWire } from "./wire-values.ts";

/** The event names of the older `messages` stream mode (not `messages-tuple`), as LangGraph's server sends them. */
export const MESSAGES_MODE_EVENTS = [
	"messages/metadata",
	"messages/partial",
	"messages/complete",
] as const;

type Chunk = Parameters<typeof messageDict>[0] & {
	concat?: (other: unknown) => unknown;
};

/**
 * The older `messages` stream mode, as LangGraph's server sends it: for each LLM token chunk, the message
 * so far (`messages/partial`, `[message]`), after a `messages/metadata` (`{ [id]: { metadata } }`, the
 * metadata `messages-tuple` sends) on a message's first chunk; and for each message of the state not sent
 * whole yet (input messages too), `messages/complete` (`[message, …]`), read from each new state.
 */
export class MessagesMode {
	readonly #push: (event: string, data: unknown) => void;
	readonly #partial = new Map<string, Chunk>();
	readonly #complete = new Set<string>();

	constructor(push: (event: string, data: unknown) => void) {
		this.#push = push;
	}

	/** A token chunk and the metadata `messages-tuple` sends beside it. */
	chunk(chunk: Chunk, metadata: Record<string, unknown>): void {
		const id = chunk.id;
		// a chunk without an id cannot be gathered into a message (LangGraph's server skips it too)
		if (id == null || id === "") return;
		const before = this.#partial.get(id);
		if (before === undefined) {
			this.#partial.set(id, chunk);
			this.#push("messages/metadata", { [id]: { metadata } });
		} else
			this.#partial.set(
				id,
				typeof before.concat === "function"
					? (before.concat(chunk) as Chunk)
					: chunk,
			);
		this.#push("messages/partial", [messageDict(this.#partial.get(id)!)]);
	}

	/** A new state of the run: its messages (a `messages` key of messages) not yet sent whole. */
	values(values: Record<string, unknown>): void {
		const list = values.messages;
		if (!Array.isArray(list)) return;
		const fresh: unknown[] = [];
		for (const m of list) {
			const id = (m as { id?: unknown } | null)?.id;
			if (typeof id !== "string" || id === "" || this.#complete.has(id))
				continue;
			this.#complete.add(id);
			this.#partial.delete(id);
			fresh.push(toWire(m));
		}
		if (fresh.length > 0) this.#push("messages/complete", fresh);
	}
}
