// Two approvers answering one pending interrupt by its id at the same moment, from two processes
// (`Command({ resume: { [id]: answer } })`), one "approve" and one "reject", many rounds per durable
// backend: exactly one answer is applied (the state's verdict is the winner's), the review's `ctx.once`
// effect after the answer runs once, the thread has one branch, and the loser gets a typed error:
// THREAD_BUSY while the winner runs, NO_PENDING_INTERRUPT once it answered (nothing waits any more, as
// API.md says of a resume on such a thread; UNKNOWN_INTERRUPT_ID is for an id that is not among other
// pending ones); with `waitForLease` the loser waits for the winner and always gets NO_PENDING_INTERRUPT.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { answerRace } from "../src/answer-race.ts";
import { chaosGraph, expectedLog } from "../src/chaos-graph.ts";
import { effectsOf, readJournal } from "../src/journal.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";

/** Rounds per backend; odd ones with `waitForLease`. */
const ROUNDS = 4;
const ANSWERS = ["approve", "reject"] as const;
const backends = await durableBackends("approvers");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("approver-race");

describe.concurrent.each(backends)(
	"two approvers on one interrupt id ($kind)",
	(backend: Backend) => {
		it(`${ROUNDS} rounds: one answer applied, its effect once, one branch, the loser typed`, async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "approvers.txt");
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0 });
			try {
				for (let round = 0; round < ROUNDS; round++) {
					const threadId = `approve-${round}`;
					const paused = await graph.run({ rounds: 1 }, { threadId });
					expect(paused.status).toBe("interrupted");
					const [pending] = paused.interrupts;
					const waits = round % 2 === 1;
					const { winner, loser } = await answerRace(
						ANSWERS.map((answer) => ({
							store,
							threadId,
							action: "approve-by-id",
							interruptId: pending!.id,
							resumeAction: answer,
							journal,
						})),
						waits,
					);
					counts.add(`${backend.kind}.loser.${loser.error}`);
					const verdict = (winner.values as { verdict: string }).verdict;
					// exactly the winner's answer, applied once
					const state = await graph.getState({ threadId });
					expect(state.values.verdict).toBe(verdict);
					expect(state.values.log).toEqual(expectedLog(1));
					expect(state.interrupts).toEqual([]);
					expect((await graph.getThread({ threadId }))?.status).toBe("done");
					const review = effectsOf(journal, threadId).keys.filter((k) =>
						k.includes("|review|"),
					);
					expect(review).toEqual([`${threadId}|review|${verdict}`]);
					expect(effectsOf(journal, threadId).repeated).toEqual([]);
					// the review ran in the winner's process only
					const entered = readJournal(journal).filter(
						(l) => l.kind === "effect" && l.key.includes(`${threadId}|review|`),
					);
					expect(entered).toHaveLength(1);
					// one branch: one head, each step once
					expect(await cp.heads({ threadId })).toHaveLength(1);
					const steps: number[] = [];
					for await (const c of cp.list({ threadId })) steps.push(c.step);
					expect(new Set(steps).size).toBe(steps.length);
					counts.add(`${backend.kind}.rounds`);
				}
			} finally {
				await cp.close?.();
			}
		});
	},
);
