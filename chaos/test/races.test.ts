// Two and four processes racing on one thread (continue/continue, approve/reject, start/start): exactly
// one runs node code, no effect twice, and the thread's status is the winner's, also right after a loser
// gave up (a loser gets THREAD_BUSY and never changes the status).
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chaosGraph, expectedLog } from "../src/chaos-graph.ts";
import { duplicates, readJournal } from "../src/journal.ts";
import { spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { sleep, tally } from "../src/tally.ts";
import type { WorkerAction, WorkerOutcome } from "../src/worker.ts";

const ROUNDS = 2;
const backends = await durableBackends("race");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("races");

type Race = "continue/continue" | "approve/reject" | "start/start";
const RACES: Race[] = ["continue/continue", "approve/reject", "start/start"];
const TRIALS = 2;

function actionsFor(race: Race, n: number): WorkerAction[] {
	const [x, y] = race.split("/") as [WorkerAction, WorkerAction];
	return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? x : y));
}

// the backends race at the same time; within one backend, one race after the other
describe.concurrent.each(backends)(
	"processes racing on one thread ($kind)",
	(backend: Backend) => {
		let race = 0;
		describe.sequential.each([2, 4])("%i processes", (n: number) => {
			it.each(RACES)(
				"%s: one runs, the others get THREAD_BUSY",
				async (kind: Race) => {
					for (let trial = 0; trial < TRIALS; trial++) {
						const store = backend.fresh();
						const journal = join(backend.dir, `race-${race++}.txt`);
						const threadId = "race";
						const cp = await openStore(store);
						const graph = chaosGraph(cp, { journal, delayMs: 0 });
						try {
							// the thread before the race
							if (kind === "approve/reject") {
								expect(
									await graph.run({ rounds: ROUNDS }, { threadId }),
								).toMatchObject({
									status: "interrupted",
								});
							} else if (kind === "continue/continue") {
								// stop after the first step: the thread then has work to do
								const stop = new AbortController();
								for await (const ev of graph.stream(
									{ rounds: ROUNDS },
									{ threadId, signal: stop.signal, mode: "checkpoints" },
								))
									if (ev.type === "checkpoint" && ev.step >= 1) stop.abort();
								// a cancelled run gives its lease up once its tasks have settled
								for (let i = 0; i < 100; i++) {
									if ((await cp.getThread(threadId))?.lease === null) break;
									await sleep(50);
								}
							}
							const before = readJournal(journal).length;
							const statusBefore = (await cp.getThread(threadId))?.status;
							const racers = actionsFor(kind, n).map((action) =>
								spawnWorker({
									store,
									threadId,
									action,
									journal,
									delayMs: 250,
									rounds: ROUNDS,
									waitForGo: true,
								}),
							);
							await Promise.all(racers.map((r) => r.ready));
							for (const r of racers) r.go();
							// a loser answers at once, while the winner still runs: the status is the winner's
							const losersSeen: string[] = [];
							const outcomes = await Promise.all(
								racers.map(async (r) => {
									const out = (await r.done) as WorkerOutcome;
									if (out.error === "THREAD_BUSY")
										losersSeen.push(
											String((await cp.getThread(threadId))?.status),
										);
									return { pid: r.process.pid!, out };
								}),
							);
							const winners = outcomes.filter((o) => o.out.error === undefined);
							const losers = outcomes.filter(
								(o) => o.out.error === "THREAD_BUSY",
							);
							expect(
								outcomes
									.filter(
										(o) =>
											o.out.error !== undefined &&
											o.out.error !== "THREAD_BUSY",
									)
									.map((o) => o.out),
							).toEqual([]);
							expect(winners).toHaveLength(1);
							expect(losers).toHaveLength(n - 1);
							const winner = winners[0]!;
							// only the winner entered node code; no effect twice
							const during = readJournal(journal).slice(before);
							expect(during.length).toBeGreaterThan(0);
							expect([...new Set(during.map((l) => l.pid))]).toEqual([
								winner.pid,
							]);
							expect(duplicates(readJournal(journal), "effect")).toEqual([]);
							// the status right after the race is the winner's; losers saw it running
							const thread = await cp.getThread(threadId);
							expect(thread?.status).toBe(winner.out.status);
							// (the status the thread had before the race is fine too: the winner may not have recorded one yet)
							for (const s of losersSeen)
								expect(["running", statusBefore, winner.out.status]).toContain(
									s,
								);
							expect(statusBefore).not.toBe("failed");
							const state = await graph.getState({ threadId });
							expect(state.values.log).toEqual(expectedLog(ROUNDS));
							if (kind === "approve/reject")
								expect(state.values.verdict).toBe(
									(winner.out.values as { verdict: string }).verdict,
								);
							counts.add(`${backend.kind}.races`);
							counts.add(`${backend.kind}.processes`, n);
							counts.add(`${backend.kind}.losers`, losers.length);
						} finally {
							await cp.close?.();
						}
					}
				},
				90_000,
			);
		});
	},
);
