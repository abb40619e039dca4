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

	/** A subgraph run's usage, under the node that ran it. */
	merge(node: string, usage: RunUsage): void {
		mergeUsage(this.total, node, usage);
		this.#step ??= emptyUsage();
		mergeUsage(this.#step, node, usage);
	}

	/** The step's usage was stored with a checkpoint: start the next step's. */
	stepStored(): void {
		this.#step = undefined;
	}
}
