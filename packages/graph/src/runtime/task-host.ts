import type { Checkpointer } from "@weft/checkpoint";
import type { UsageReport } from "../graph/types.ts";
import type { EventSink } from "./event-sink.ts";
import type { RunConfig } from "./events.ts";
import type { RunSignal } from "./lazy-signal.ts";
import type { RunStore } from "./run-store.ts";
import type { TaskHost } from "./task-context.ts";
import type { UsageMeter } from "./usage-meter.ts";

/** What the tasks of one step share from their run. */
export interface HostParts {
	threadId: string | undefined;
	/** The step the tasks produce. */
	step: number;
	signal: RunSignal;
	ns: string;
	checkpointer: Checkpointer | undefined;
	store: RunStore | undefined;
	config: RunConfig;
	/** The step has several tasks (finished ones are saved as they finish). */
	multi: boolean;
	events: EventSink;
	/** The run's callbacks (`hostCallbacks`), made once per run. */
	callbacks: HostCallbacks;
}

/** The callbacks a task host passes on: the same for every step of a run. */
export type HostCallbacks = Pick<
	TaskHost,
	"persist" | "emit" | "reportUsage" | "mergeUsage" | "confirmLease"
>;

/** The host's callbacks, made once per run (perf, issue 17: not four closures per step). */
export function hostCallbacks(
	store: RunStore | undefined,
	events: EventSink,
	usage: UsageMeter,
	/** Told of each usage report (telemetry, issue 13: model call durations for the step's timing). */
	tm: () => { reported(u: UsageReport): void },
	/** A subgraph run's: its parent's (it has no lease of its own). */
	parentLease?: (() => Promise<void> | undefined) | undefined,
): HostCallbacks {
	return {
		confirmLease:
			parentLease ??
			(store === undefined ? () => undefined : () => store.confirmLease()),
		persist:
			store === undefined ? async () => {} : (writes) => store.persist(writes),
		emit: (node, type, data, origin, modelParams) => {
			if (type === "custom")
				events.emit("custom", { type: "custom", node, data });
			else
				events.emit("messages", {
					type: "message",
					node,
					chunk: data,
					step: origin.step,
					tasks: origin.tasks,
					...(modelParams === undefined ? {} : { modelParams }),
				});
		},
		reportUsage: (node, u) => {
			usage.report(node, u);
			tm().reported(u); // telemetry (issue 13)
		},
		mergeUsage: (node, u, reached) => usage.merge(node, u, reached),
	};
}

/** The host the task contexts of one step talk to. */
export function taskHost(p: HostParts): TaskHost {
	const { store, callbacks } = p;
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
		streams: p.events.streams,
		subgraphs: p.events.subgraphs,
		persist: callbacks.persist,
		emit: callbacks.emit,
		reportUsage: callbacks.reportUsage,
		mergeUsage: callbacks.mergeUsage,
		confirmLease: callbacks.confirmLease,
	};
}
