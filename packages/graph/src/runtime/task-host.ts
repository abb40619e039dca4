import type { Checkpointer } from "@weft/checkpoint";
import type { EventSink } from "./event-sink.ts";
import type { RunConfig } from "./events.ts";
import type { RunStore } from "./run-store.ts";
import type { TaskHost } from "./task-context.ts";
import type { UsageMeter } from "./usage-meter.ts";

/** What the tasks of one step share from their run. */
export interface HostParts {
	threadId: string | undefined;
	/** The step the tasks produce. */
	step: number;
	signal: AbortSignal;
	ns: string;
	checkpointer: Checkpointer | undefined;
	store: RunStore | undefined;
	config: RunConfig;
	/** The step has several tasks (finished ones are saved as they finish). */
	multi: boolean;
	events: EventSink;
	usage: UsageMeter;
}

/** The host the task contexts of one step talk to. */
export function taskHost(p: HostParts): TaskHost {
	const { store, events, usage } = p;
	return {
		threadId: p.threadId,
		step: p.step,
		signal: p.signal,
		context: p.config.context ?? {},
		ns: p.ns,
		checkpointId: store?.checkpointId,
		checkpointer: p.checkpointer,
		fence: store?.fence,
		config: p.config,
		multi: p.multi,
		streams: events.streams,
		persist:
			store === undefined ? async () => {} : (writes) => store.persist(writes),
		emit: (node, type, data) => {
			if (type === "custom")
				events.emit("custom", { type: "custom", node, data });
			else events.emit("messages", { type: "message", node, chunk: data });
		},
		reportUsage: (node, u) => usage.report(node, u),
		mergeUsage: (node, u) => usage.merge(node, u),
	};
}
