import type { WeftError } from "@weft/checkpoint";
import { isWeftError, NodeError } from "@weft/checkpoint";
import type { RunStore } from "./run-store.ts";
import type { Outcome } from "./run-task.ts";
import { type StepPlace, unfinishedRecords } from "./step-records.ts";

/** What a step's outcomes lead to. */
export type Settled =
	| { next: "commit" }
	| { next: "interrupted" }
	| { next: "refused"; error: WeftError }
	| { next: "fail"; error: unknown };

const COMMIT: Settled = { next: "commit" };

/**
 * Decides what a step leads to: commit when every task finished; otherwise the step's records (its
 * interrupts, its failure) are saved at its checkpoint first, so a re-run reuses the finished siblings.
 * A failure wins over a refused answer, which wins over interrupts.
 */
export function settleStep(
	outcomes: readonly Outcome[],
	store: RunStore | undefined,
	place: () => StepPlace,
): Settled | Promise<Settled> {
	for (let i = 0; i < outcomes.length; i++)
		if (outcomes[i]!.kind !== "done")
			return unsettled(outcomes, store, place());
	return COMMIT; // every task finished: nothing to save, no promise (perf, issue 17)
}

async function unsettled(
	outcomes: readonly Outcome[],
	store: RunStore | undefined,
	place: StepPlace,
): Promise<Settled> {
	const failed = outcomes.find((o) => o.kind === "error");
	const rejected = outcomes.find((o) => o.kind === "rejected");
	const interrupted = outcomes.filter((o) => o.kind === "interrupt");
	// recorded in the run's memory even without a store: the run's result lists its interrupts
	const records = unfinishedRecords(place, interrupted, failed);
	await store?.persist(records);
	if (failed !== undefined) {
		const { error, task } = failed;
		return {
			next: "fail",
			error:
				error instanceof NodeError ||
				(isWeftError(error) && error.code !== "NODE_TIMEOUT")
					? error
					: new NodeError(task.node, error),
		};
	}
	if (rejected !== undefined)
		return { next: "refused", error: rejected.rejected.error };
	return { next: "interrupted" };
}
