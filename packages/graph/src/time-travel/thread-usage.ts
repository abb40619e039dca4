import type { Checkpointer } from "@weft/checkpoint";
import {
	emptyUsage,
	type RunUsage,
	sumUsage,
	unaccountedAnswers,
	usageOfRecords,
} from "../runtime/usage.ts";

/**
 * A thread's model usage over all its runs and branches: the sum of the usage each checkpoint of the
 * root graph recorded for its step (a subgraph's usage is counted in its parent's step), and of what runs
 * spent on a step they left unfinished at a head (paused at a question, failed: recorded with the step's
 * records there until a run finishes the step; decision 0206). No graph needed, so tools like the CLI can
 * read it. Pruned checkpoints take their usage with them.
 */
export async function threadUsage(
	checkpointer: Checkpointer,
	threadId: string,
): Promise<RunUsage> {
	const total = emptyUsage();
	for await (const c of checkpointer.list({ threadId })) {
		const usage = c.metadata.usage;
		if (usage !== undefined && usage !== null && typeof usage === "object")
			sumUsage(total, usage as unknown as RunUsage);
	}
	for (const head of await checkpointer.heads({ threadId })) {
		// a head that does not read (damaged, or encrypted without the key) leaves its unfinished step out
		const tuple = await checkpointer
			.getTuple({ threadId, checkpointId: head.checkpointId })
			.catch(() => undefined);
		if (tuple === undefined) continue;
		const unfinished = usageOfRecords(tuple.pendingWrites);
		if (unfinished !== undefined) sumUsage(total, unfinished);
		// answers a run that died saved there: paid for, accounted by no run yet (decision 0217)
		const owed = unaccountedAnswers(
			tuple.pendingWrites,
			tuple.checkpoint.data.tasks,
		);
		if (owed !== undefined) sumUsage(total, owed);
	}
	return total;
}
