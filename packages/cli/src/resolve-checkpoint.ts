import type { Checkpointer, CheckpointSummary } from "@weft/checkpoint";
import { noThread, UsageError } from "./cli-error.ts";

/**
 * Finds a checkpoint of a thread by id, by the short id `weft history` shows (its end), or by step number
 * (the newest checkpoint with that step).
 */
export async function resolveCheckpoint(
	checkpointer: Checkpointer,
	threadId: string,
	at: string,
): Promise<CheckpointSummary> {
	const all: CheckpointSummary[] = [];
	for await (const s of checkpointer.list({ threadId })) all.push(s);
	if (all.length === 0) throw noThread(threadId);
	if (/^\d{1,7}$/.test(at)) {
		const byStep = all.find((s) => s.step === Number(at));
		if (byStep !== undefined) return byStep;
	}
	const byId = all.filter(
		(s) =>
			s.checkpointId === at ||
			s.checkpointId.endsWith(at) ||
			s.checkpointId.startsWith(at),
	);
	if (byId.length === 1) return byId[0]!;
	if (byId.length > 1)
		throw new UsageError(
			`"${at}" matches ${byId.length} checkpoints`,
			"give more characters of the id",
		);
	throw new UsageError(
		`thread "${threadId}" has no checkpoint "${at}"`,
		`see \`weft history ${threadId}\` for ids and steps`,
	);
}
