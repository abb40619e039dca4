import type { Checkpointer } from "@weft/checkpoint";
import { emptyUsage, type RunUsage, sumUsage } from "../runtime/usage.ts";

/**
 * A thread's model usage over all its runs and branches: the sum of the usage each checkpoint of the
 * root graph recorded for its step (a subgraph's usage is counted in its parent's step). No graph needed,
 * so tools like the CLI can read it. Pruned checkpoints take their usage with them.
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
	return total;
}
