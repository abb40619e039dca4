// ≥ 50 SIGKILLs at random points per durable backend, each followed by a resume in a new process:
// no checkpoint lost or unreadable, the final state exact, each ctx.once effect recorded once.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
	chaosGraph,
	expectedEffects,
	expectedLog,
} from "../src/chaos-graph.ts";
import { effectsOf } from "../src/journal.ts";
import { killAtRandom } from "../src/kill-at-random.ts";
import { type ChildRun, spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";
import type { WorkerJob, WorkerOutcome } from "../src/worker.ts";

/** Soon after the release now and then, otherwise soon after it entered node code. */
const KILL_AT_RANDOM = { early: 0.2, earlyMs: 100, withinMs: 300 };

const KILLS = 50;

const ROUNDS = 8;
/**
 * Workers started ahead of their turn: a worker's start (node, the bundle, opening the store) costs more
 * than most lives, so several start while one runs. Each is told its thread when it is released.
 */
const AHEAD = 3;
/** Resumes after a kill wait for the dead runner's lease to lapse. */
const RESUME = { waitForLease: 20_000 };
const backends = await durableBackends("kill");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("sigkill");

describe.concurrent.each(backends)(
	"SIGKILL at random points ($kind)",
	(backend: Backend) => {
		it(`survives ${KILLS} kills: nothing lost, final state exact, each effect once`, async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "kill-journal.txt");
			const job: WorkerJob = {
				store,
				threadId: "unassigned",
				action: "auto",
				journal,
				delayMs: 4,
				rounds: ROUNDS,
				waitForGo: true,
				runConfig: RESUME,
				leaseTtlMs: 600,
			};
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0, leaseTtlMs: 600 });
			let kills = 0;
			let thread = 0;
			let busy = 0;
			const finished: string[] = [];
			const ahead: ChildRun<WorkerOutcome>[] = [];
			for (let i = 0; i < AHEAD; i++) ahead.push(spawnWorker(job));
			try {
				// no deadline: a slow machine makes the test slower, never failed (the test timeout guards hangs)
				while (kills < KILLS || finished.length === 0) {
					const threadId = `k${thread}`;
					const seen = new Set<string>();
					// at most 15 kills per thread, then it runs to its end
					const budget = Math.min(15, KILLS - kills);
					let killed = 0;
					for (let life = 0; life < 60; life++) {
						const child = ahead.shift()!;
						ahead.push(spawnWorker(job));
						await child.ready;
						child.go(threadId);
						const stopKill =
							killed < budget
								? killAtRandom(child, journal, KILL_AT_RANDOM)
								: () => {};
						const out = await child.done;
						stopKill();
						if (out === undefined) {
							kills++;
							killed++;
							// every checkpoint seen before is still there, and the newest one reads
							const ids = new Set<string>();
							for await (const c of cp.list({ threadId }))
								ids.add(c.checkpointId);
							for (const id of seen)
								expect(ids.has(id), `checkpoint ${id} lost`).toBe(true);
							for (const id of ids) seen.add(id);
							if (ids.size > 0)
								expect((await graph.getState({ threadId })).values.rounds).toBe(
									ROUNDS,
								);
							continue;
						}
						// a heartbeat late on a busy machine loses the lease: a typed end, and the next life goes on
						if (out.error === "THREAD_BUSY" || out.error === "LEASE_LOST") {
							busy++;
							continue;
						}
						expect(out.error, out.message).toBeUndefined();
						if (out.status === "done") break;
					}
					// the thread is done: exact state, every checkpoint readable, each effect once
					const state = await graph.getState({ threadId });
					expect(state.values).toEqual({
						log: expectedLog(ROUNDS),
						round: ROUNDS,
						rounds: ROUNDS,
						verdict: "approve",
					});
					let readable = 0;
					for await (const s of graph.getStateHistory({ threadId })) {
						expect(s.values.rounds).toBe(ROUNDS);
						readable++;
					}
					expect(readable).toBeGreaterThanOrEqual(seen.size);
					const effects = effectsOf(journal, threadId);
					expect(effects.repeated).toEqual([]);
					expect(effects.keys).toEqual(
						expectedEffects(threadId, ROUNDS, "approve"),
					);
					expect((await cp.getThread(threadId))?.status).toBe("done");
					finished.push(threadId);
					thread++;
				}
			} finally {
				for (const child of ahead) child.process.kill("SIGKILL");
				await Promise.all(ahead.map((c) => c.done.catch(() => undefined)));
				await cp.close?.();
				counts.add(`${backend.kind}.kills`, kills);
				counts.add(`${backend.kind}.threads`, finished.length);
				counts.add(`${backend.kind}.busyRetries`, busy);
			}
			expect(kills).toBeGreaterThanOrEqual(KILLS);
		}, 600_000);
	},
);
