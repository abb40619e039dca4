// Two processes answering one question at a checkpoint that is no head any more (an update made a sibling
// branch after it), one "approve" and one "reject", at the same moment. Each answer is run on a copy of
// the checkpoint (decision 0172), and the question is answered once across its copies (0179): one answer
// applied, its effect once, one copy made, the loser typed (THREAD_BUSY while the winner runs,
// NO_PENDING_INTERRUPT naming the winner's copy once it answered; with `waitForLease` always the latter).
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { answerRace } from "../src/answer-race.ts";
import { chaosGraph } from "../src/chaos-graph.ts";
import { effectsOf, readJournal } from "../src/journal.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";

/** Rounds per backend; odd ones with `waitForLease`. */
const ROUNDS = 4;
const ANSWERS = ["approve", "reject"] as const;
const backends = await durableBackends("copy_answers");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("copy-answer-race");

describe.concurrent.each(backends)(
	"two answers at an older checkpoint, from two processes ($kind)",
	(backend: Backend) => {
		it(`${ROUNDS} rounds: answered once across copies, its effect once, the loser typed`, async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "copy-answers.txt");
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0 });
			try {
				for (let round = 0; round < ROUNDS; round++) {
					const threadId = `copy-${round}`;
					const paused = await graph.run({ rounds: 1 }, { threadId });
					expect(paused.status).toBe("interrupted");
					const at = paused.checkpointId!;
					// a sibling branch: the paused checkpoint is no head any more
					await graph.updateState(
						{ threadId, checkpointId: at },
						{ verdict: "edited" },
						{ asNode: "next" },
					);
					const waits = round % 2 === 1;
					const { winner, loser } = await answerRace(
						ANSWERS.map((action) => ({
							store,
							threadId,
							action,
							checkpointId: at,
							journal,
						})),
						waits,
					);
					counts.add(`${backend.kind}.loser.${loser.error}`);
					const verdict = (winner.values as { verdict: string }).verdict;
					expect(ANSWERS).toContain(verdict);
					// one copy of the checkpoint, which the winner answered
					const copies: string[] = [];
					for await (const c of graph.getStateHistory({ threadId }))
						if (c.source === "fork" && c.metadata.forkOf === at)
							copies.push(c.checkpointId);
					expect(copies).toHaveLength(1);
					if (loser.error === "NO_PENDING_INTERRUPT")
						expect(loser.message).toContain(copies[0]);
					// the review's effect once, in the winner's process only
					const review = effectsOf(journal, threadId).keys.filter((k) =>
						k.includes("|review|"),
					);
					expect(review).toEqual([`${threadId}|review|${verdict}`]);
					const entered = readJournal(journal).filter(
						(l) => l.kind === "effect" && l.key.includes(`${threadId}|review|`),
					);
					expect(entered).toHaveLength(1);
					// the winner's branch is the newest; the checkpoint waits no more
					const state = await graph.getState({ threadId });
					expect(state.values.verdict).toBe(verdict);
					expect(
						(await graph.getState({ threadId, checkpointId: at })).interrupts,
					).toEqual([]);
					counts.add(`${backend.kind}.rounds`);
				}
			} finally {
				await cp.close?.();
			}
		});
	},
);
