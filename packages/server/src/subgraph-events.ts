import type { StreamEvent } from "@weft/graph";
import type { ReturnedMessages } from "./returned-messages.ts";
import type { StreamModeName } from "./schemas.ts";
import { messageMetadata, namespaceOf } from "./wire-ids.ts";
import {
	messageDict,
	type PendingLike,
	toWire,
	wireInterrupts,
} from "./wire-values.ts";

/** What the events go to (a run's sink). */
interface Sink {
	push(event: string, data: unknown): void;
}

/**
 * A subgraph's own events (`stream_subgraphs`), named as LangGraph's server names them: the mode, then
 * the namespace (`updates|sub:<task id>`; decision 0118). A subgraph that pauses sends its pause under
 * its namespace too, before its parent's, as LangGraph's: `updates|sub:<id>` `{ __interrupt__ }` and
 * `values|sub:<id>` its state with `__interrupt__` (decision 0135). With `messages-tuple`, the messages a
 * subgraph's node returns without streaming them go as `messages|<namespace>`, once in the whole run
 * (`returned` is the run's: the parent's update of the subgraph node does not send them again).
 */
export class SubgraphEvents {
	readonly #requested: ReadonlySet<StreamModeName>;
	readonly #sink: Sink;
	/** Per subgraph node, the namespace of its task in the parent's step in flight, and its last state. */
	readonly #running = new Map<string, { ns: string; values: unknown }>();

	readonly #returned:
		| { messages: ReturnedMessages; metadata: Record<string, unknown> }
		| undefined;

	constructor(
		requested: ReadonlySet<StreamModeName>,
		sink: Sink,
		returned?: {
			messages: ReturnedMessages;
			metadata: Record<string, unknown>;
		},
	) {
		this.#requested = requested;
		this.#sink = sink;
		this.#returned = returned;
	}

	/** A subgraph's event (one with a namespace). */
	send(ev: StreamEvent): void {
		if (!("namespace" in ev) || ev.namespace === undefined) return;
		const ns = namespaceOf(ev.namespace);
		const top = ev.namespace[0]!;
		const own = ev.namespace.length === 1;
		const seen = this.#running.get(top.node);
		const topNs = own ? ns : namespaceOf(ev.namespace.slice(0, 1));
		if (seen?.ns !== topNs)
			this.#running.set(top.node, { ns: topNs, values: undefined });
		if (own && ev.type === "values")
			this.#running.get(top.node)!.values = ev.data;
		if (ev.type === "values") this.#returned?.messages.state(ev.data);
		else if (ev.type === "update" && this.#returned !== undefined) {
			const { messages, metadata } = this.#returned;
			const origin = { step: ev.step, tasks: [...ev.namespace, ev.task] };
			for (const m of messages.fresh(ev.data))
				this.#sink.push(`messages|${ns}`, [
					messageDict(m),
					{ ...metadata, ...messageMetadata(origin) },
				]);
		}
		if (ev.type === "values" && this.#requested.has("values"))
			this.#sink.push(`values|${ns}`, toWire(ev.data));
		else if (ev.type === "update" && this.#requested.has("updates"))
			this.#sink.push(`updates|${ns}`, toWire({ [ev.node]: ev.data }));
		else if (ev.type === "custom" && this.#requested.has("custom"))
			this.#sink.push(`custom|${ns}`, toWire(ev.data));
	}

	/** The parent's step ended (its state was sent): the next step's subgraph tasks are new ones. */
	stepEnded(): void {
		this.#running.clear();
	}

	/** The run paused: each subgraph node of the step that asked sends its pause under its namespace. */
	paused(interrupts: readonly (PendingLike & { node?: string })[]): void {
		for (const [node, { ns, values }] of this.#running) {
			const mine = interrupts.filter((i) => i.node === node);
			if (mine.length === 0) continue;
			const wire = wireInterrupts(mine);
			if (this.#requested.has("updates"))
				this.#sink.push(`updates|${ns}`, { __interrupt__: wire });
			if (this.#requested.has("values"))
				this.#sink.push(`values|${ns}`, {
					...(toWire(values ?? {}) as Record<string, unknown>),
					__interrupt__: wire,
				});
		}
	}
}
