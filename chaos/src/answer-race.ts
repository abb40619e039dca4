// Two processes answering one question at the same moment (chaos/test/approver-race and
// copy-answer-race): each given its own part of the job, released together; exactly one answers and the
// other is refused, typed.
import { expect } from "vitest";
import { spawnWorker } from "./spawn-worker.ts";
import type { WorkerJob, WorkerOutcome } from "./worker.ts";

/**
 * Runs one worker per job, both released at once. The review waits after the answer, so the other
 * answer comes while it runs; with `waits` each waits for the thread's lease. Checks one winner (`done`)
 * and one loser: THREAD_BUSY while the winner runs, or NO_PENDING_INTERRUPT once it answered (the only
 * error with `waits`).
 */
export async function answerRace(
	jobs: readonly WorkerJob[],
	waits: boolean,
): Promise<{ winner: WorkerOutcome; loser: WorkerOutcome }> {
	const answerers = jobs.map((job) =>
		spawnWorker({
			...job,
			delayMs: 150,
			waitForGo: true,
			...(waits ? { runConfig: { waitForLease: 30_000 } } : {}),
		}),
	);
	await Promise.all(answerers.map((a) => a.ready));
	for (const a of answerers) a.go();
	const outcomes = (await Promise.all(
		answerers.map((a) => a.done),
	)) as WorkerOutcome[];
	const winners = outcomes.filter((o) => o.error === undefined);
	const losers = outcomes.filter((o) => o.error !== undefined);
	expect(winners, JSON.stringify(outcomes)).toHaveLength(1);
	expect(losers).toHaveLength(1);
	const [winner, loser] = [winners[0]!, losers[0]!];
	expect(winner).toMatchObject({ status: "done" });
	expect(
		waits ? ["NO_PENDING_INTERRUPT"] : ["THREAD_BUSY", "NO_PENDING_INTERRUPT"],
		loser.message,
	).toContain(loser.error);
	return { winner, loser };
}
