import type { Checkpointer } from "@weft/checkpoint";
import type { StreamEvent, StreamMode } from "./events.ts";

/** Internal run options beyond the public config (subgraph runs, replays, streams). */
export interface RunOptions {
	ns?: string | undefined;
	checkpointer?: Checkpointer | undefined;
	/** Set for a subgraph run: checkpoints carry it, and the thread's status is the parent's business. */
	parentTask?: string | undefined;
	/** Answers by interrupt id handed down by a parent task. */
	answersById?: ReadonlyMap<string, unknown> | undefined;
	/** Ignore results saved at the start checkpoint: run every due task again. */
	fresh?: boolean | undefined;
	/**
	 * Go on from the start checkpoint as a new branch (a copy carrying its records) even when it has no
	 * child: a subgraph run going on from its pause for a copy of its parent's checkpoint (0149).
	 */
	copy?: boolean | undefined;
	sink?: ((event: StreamEvent) => void) | undefined;
	modes?: ReadonlySet<StreamMode> | undefined;
	/** Forward subgraph runs' own events (`StreamConfig.subgraphs`). */
	subgraphs?: boolean | undefined;
	/** A subgraph run writes under its parent run's lease: the parent's fencing token. */
	fence?: number | undefined;
	/** A subgraph run's effects are confirmed by its parent run's lease (see `RunLease.confirm`). */
	confirmLease?: (() => Promise<void> | undefined) | undefined;
}
