import type { Checkpointer, CheckpointSummary } from "@weft/checkpoint";
import { branchChain, readTree, type ThreadTree } from "./branches.ts";
import { UsageError } from "./cli-error.ts";

/**
 * Finds a checkpoint of a thread by id, by the short id `weft history` shows (its end), or by step number.
 * Step numbers count along one branch (default: branch 1, the one with the newest head), as
 * `weft history` numbers them.
 */
export async function resolveCheckpoint(
	checkpointer: Checkpointer,
	threadId: string,
	at: string,
	branch = 1,
	tree?: ThreadTree,
): Promise<CheckpointSummary> {
	const t = tree ?? (await readTree(checkpointer, threadId));
	const chain = branchChain(t, threadId, branch);
	if (/^\d{1,7}$/.test(at)) {
		const byStep = chain.findLast((s) => s.step === Number(at));
		if (byStep !== undefined) return byStep;
	}
	const byId = t.all.filter(
		(s) =>
			s.checkpointId === at ||
			(at.length >= 4 &&
				(s.checkpointId.endsWith(at) || s.checkpointId.startsWith(at))),
	);
	if (byId.length === 1) return byId[0]!;
	if (byId.length > 1)
		throw new UsageError(
			`"${at}" matches ${byId.length} checkpoints`,
			"give more characters of the id",
		);
	throw new UsageError(
		`thread "${threadId}" has no checkpoint "${at}"${/^\d+$/.test(at) ? ` (no step ${at} on branch ${branch})` : ""}`,
		`see \`weft history ${threadId}\` for ids and steps`,
	);
}
