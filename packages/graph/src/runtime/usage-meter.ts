import type { UsageReport } from "../graph/types.ts";
import { newestKeeper } from "./keep-shape.ts";
import { addUsage, emptyUsage, mergeUsage, type RunUsage } from "./usage.ts";

const keepUsageMeter = newestKeeper(); // keep-shape.ts, decision 0196

/**
 * A run's model usage: the run's total, and what accrued since the last checkpoint (stored with the next
 * one, which is how `getUsage` sums a thread over its runs).
 */
export class UsageMeter {
	readonly total: RunUsage = emptyUsage();
	/** Made at the first report since the last checkpoint (most steps report none: perf, issue 17). */
	#step: RunUsage | undefined;
	/** By task id: the subgraph checkpoint whose usage `#step` holds (decision 0211). */
	#subgraphs: Record<string, string> | undefined;

	constructor() {
		keepUsageMeter(this);
	}

	/** Usage since the last checkpoint (undefined: none reported). */
	get step(): RunUsage | undefined {
		return this.#step;
	}

	/** A node's model call. */
	report(node: string, usage: UsageReport): void {
		addUsage(this.total, node, usage);
		this.#step ??= emptyUsage();
		addUsage(this.#step, node, usage);
	}

	/**
	 * Subgraph checkpoints whose usage the step's holds, by the task that ran each (undefined: none): a
	 * `usage` record names them, so that a run going on with a subgraph counts only what came after.
	 */
	get subgraphs(): Readonly<Record<string, string>> | undefined {
		return this.#subgraphs;
	}

	/** A subgraph run's usage, under the node that ran it; `reached`: the task and the subgraph's checkpoint. */
	merge(
		node: string,
		usage: RunUsage,
		reached?: readonly [taskId: string, checkpointId: string],
	): void {
		mergeUsage(this.total, node, usage);
		this.#step ??= emptyUsage();
		mergeUsage(this.#step, node, usage);
		if (reached !== undefined) {
			this.#subgraphs ??= Object.create(null) as Record<string, string>;
			this.#subgraphs[reached[0]] = reached[1];
		}
	}

	/** The step's usage was stored with a checkpoint: start the next step's. */
	stepStored(): void {
		this.#step = undefined;
		this.#subgraphs = undefined;
	}
}
