// `Command({ update })` as run input (decision 0050), and `Command({ update, resume })` on a thread paused
// at the review, killed with a real SIGKILL at random points, per durable backend: at a random moment, or
// by the worker itself just before, during or right after the update's checkpoint write (which carries the
// loaded step's records: decision 0059). Each kill is followed by a new process that sends the update only
// if the store holds no update checkpoint, and otherwise goes on (answer, or `graph.recover`). After every
// kill: no checkpoint lost or unreadable, at most one update checkpoint, and one that is stored holds every
// record of the step it carries; at the end the state is exact with the update applied once, each effect
// happened once, and the finished siblings the update carried never ran again.
import { join } from "node:path";
import type { Checkpointer, PendingWrite } from "@weft/checkpoint";
import { afterAll, describe, expect, it } from "vitest";
import {
	chaosGraph,
	expectedEffects,
	expectedLog,
} from "../src/chaos-graph.ts";
import { effectsOf, readJournal } from "../src/journal.ts";
import { killAtRandom } from "../src/kill-at-random.ts";
import { KILL_POINTS } from "../src/kill-points.ts";
import { type ChildRun, spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";
import type { WorkerJob, WorkerOutcome } from "../src/worker.ts";

/** Soon after the release now and then, otherwise soon after it entered node code. */
const KILL_AT_RANDOM = { early: 0.3, earlyMs: 80, withinMs: 150 };

const ROUNDS = 2;
/** Per backend: threads paused at the review (update + resume), and threads failed mid-step (update). */
const THREADS = 4;
/** Kills per thread, then it runs to its end. */
const KILLS = 2;
/** Workers started ahead of their turn (see sigkill.test.ts). */
const AHEAD = 2;
/** Threads run at once per backend. */
const LANES = 2;
const LEASE_TTL = 600;
const UPDATE = { log: ["u"] };
const backends = await durableBackends("upd");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("update-sigkill");

const text = (w: PendingWrite) => JSON.stringify(w);

/** The thread's update checkpoints, and whether each has a successor (its step committed). */
async function updates(cp: Checkpointer, threadId: string) {
	const out: { id: string; parentId: string | null }[] = [];
	for await (const c of cp.list({ threadId }))
		if (c.source === "update")
			out.push({ id: c.checkpointId, parentId: c.parentId });
	return out;
}

describe.concurrent.each(backends)(
	"Command({ update }) as input, SIGKILLed ($kind)",
	(backend: Backend) => {
		it(`survives up to ${KILLS * THREADS} kills: update applied once with its records, state exact, each effect once`, async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "update-journal.txt");
			const cp = await openStore(store);
			const graph = chaosGraph(cp, {
				journal,
				delayMs: 0,
				leaseTtlMs: LEASE_TTL,
			});
			const job: WorkerJob = {
				store,
				threadId: "unassigned",
				action: "update",
				journal,
				delayMs: 4,
				rounds: ROUNDS,
				waitForGo: true,
				runConfig: { waitForLease: 20_000 },
				leaseTtlMs: LEASE_TTL,
				update: UPDATE,
			};
			const ahead: ChildRun<WorkerOutcome>[] = [];
			for (let i = 0; i < AHEAD; i++) ahead.push(spawnWorker(job));
			let kills = 0;
			let selfKills = 0;
			let verified = 0;
			try {
				// two lanes of threads at once (a paused thread beside a failed one): one lane's wait for a
				// dead runner's lease overlaps the other's work
				const runThread = async (t: number) => {
					// even threads pause at the review (the update comes with the answer); odd ones fail in round 1
					// with workers a and b finished (the update carries their results and once records)
					const paused = t % 2 === 0;
					const threadId = `${paused ? "r" : "f"}${t}`;
					const failKey = `${threadId}|1|c`;
					const setup = chaosGraph(cp, {
						journal,
						delayMs: 20,
						leaseTtlMs: LEASE_TTL,
						failKeys: paused ? [] : [failKey],
					});
					const first = await setup
						.run({ rounds: ROUNDS }, { threadId })
						.then((r) => r.status)
						.catch((e: unknown) => (paused ? String(e) : "failed"));
					expect(first).toBe(paused ? "interrupted" : "failed");
					const loaded = (await cp.getTuple({ threadId }))!;
					const carried = loaded.pendingWrites.map(text);
					if (paused)
						expect(loaded.pendingWrites.map((w) => w.kind)).toEqual([
							"interrupt",
						]);
					else
						for (const n of ["a", "b"])
							expect(
								loaded.pendingWrites.some(
									(w) => w.kind === "done" && w.node === n,
								),
								`${n} finished before the failure`,
							).toBe(true);
					const logBefore = (await graph.getState({ threadId })).values.log;

					const seen = new Set<string>();
					let killed = 0;
					for (let life = 0; life < 40; life++) {
						const committed = (await updates(cp, threadId)).length > 0;
						// until the update is stored, most kills are the worker's own, at its write (always the first)
						const self =
							killed < KILLS &&
							!committed &&
							(life === 0 || Math.random() < 0.6)
								? KILL_POINTS[Math.floor(Math.random() * KILL_POINTS.length)]
								: undefined;
						const child = ahead.shift()!;
						ahead.push(spawnWorker(job));
						await child.ready;
						child.go(
							JSON.stringify({
								threadId,
								killAt: self,
								...(paused ? { resumeAction: "approve" } : {}),
							}),
						);
						const stopKill =
							killed < KILLS && self === undefined
								? killAtRandom(child, journal, KILL_AT_RANDOM)
								: () => {};
						const out = await child.done;
						stopKill();
						if (out === undefined) {
							kills++;
							killed++;
							if (self !== undefined) selfKills++;
							// nothing seen before is lost, the newest state reads
							const ids = new Set<string>();
							for await (const c of cp.list({ threadId }))
								ids.add(c.checkpointId);
							for (const id of seen)
								expect(ids.has(id), `checkpoint ${id} lost`).toBe(true);
							for (const id of ids) seen.add(id);
							expect((await graph.getState({ threadId })).values.rounds).toBe(
								ROUNDS,
							);
							// the loaded checkpoint keeps its records; the update is stored once, with all of them
							const now = (await cp.getTuple({
								threadId,
								checkpointId: loaded.checkpoint.checkpointId,
							}))!;
							expect(now.pendingWrites.map(text)).toEqual(carried);
							const stored = await updates(cp, threadId);
							expect(stored.length).toBeLessThanOrEqual(1);
							const u = stored[0];
							if (u !== undefined) {
								expect(u.parentId).toBe(loaded.checkpoint.checkpointId);
								const tuple = (await cp.getTuple({
									threadId,
									checkpointId: u.id,
								}))!;
								// while its step is open, an update checkpoint holds what it carried
								if (!tuple.hasChildren) {
									const have = new Set(tuple.pendingWrites.map(text));
									for (const w of carried)
										expect(have.has(w), `update ${u.id} lost ${w}`).toBe(true);
									verified++;
								}
							}
							continue;
						}
						// a heartbeat late on a busy machine loses the lease: a typed end, the next life goes on
						if (out.error === "THREAD_BUSY" || out.error === "LEASE_LOST")
							continue;
						expect(out.error, out.message).toBeUndefined();
						if (out.status === "done") break;
					}

					// the end: the update applied once, where it was sent; the state exact; each effect once
					expect(await updates(cp, threadId)).toHaveLength(1);
					const state = await graph.getState({ threadId });
					const log = [
						...logBefore,
						"u",
						...expectedLog(ROUNDS).slice(logBefore.length),
					];
					expect(state.values).toEqual({
						log,
						round: ROUNDS,
						rounds: ROUNDS,
						verdict: "approve",
					});
					expect(state.next).toEqual([]);
					for await (const s of graph.getStateHistory({ threadId }))
						expect(s.values.rounds).toBe(ROUNDS);
					const effects = effectsOf(journal, threadId);
					expect(effects.repeated).toEqual([]);
					expect(effects.keys).toEqual(
						expectedEffects(threadId, ROUNDS, "approve"),
					);
					// the finished siblings the update carried never ran again
					if (!paused)
						for (const n of ["a", "b"])
							expect(
								readJournal(journal).filter(
									(l) => l.kind === "enter" && l.key === `${threadId}|1|${n}`,
								),
							).toHaveLength(1);
					expect((await cp.getThread(threadId))?.status).toBe("done");
				};
				await Promise.all(
					Array.from({ length: LANES }, async (_, lane) => {
						for (let t = lane; t < THREADS; t += LANES) await runThread(t);
					}),
				);
			} finally {
				for (const child of ahead) child.process.kill("SIGKILL");
				await Promise.all(ahead.map((c) => c.done.catch(() => undefined)));
				await cp.close?.();
				counts.add(`${backend.kind}.kills`, kills);
				counts.add(`${backend.kind}.selfKillsAtUpdateWrite`, selfKills);
				counts.add(`${backend.kind}.updatesCheckedWithRecords`, verified);
				counts.add(`${backend.kind}.threads`, THREADS);
			}
			// a thread may end before its budget of kills is spent; each had at least the one at its update
			expect(selfKills).toBeGreaterThanOrEqual(THREADS);
		}, 300_000);
	},
);
