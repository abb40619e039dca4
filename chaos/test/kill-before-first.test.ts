// A runner SIGKILLed before its first checkpoint (decision 0085): a worker starts a run on a fresh thread
// and kills itself just before the run's first put, after it took the thread's lease. Then, from this
// process and new ones: while the dead lease is unexpired the thread reads `running` and a recover or a
// new run gets THREAD_BUSY, nothing stored; once it lapsed the thread reads `stale`, `recover()` is
// CONFIG_INVALID saying to start again with the input and leaves it `failed` without a lease; a new run
// with input (after that recover, or straight on the stale thread) then runs the thread to its end, each
// effect once, each step's checkpoint once on one branch.
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { isWeftError } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import {
	chaosGraph,
	expectedEffects,
	expectedLog,
} from "../src/chaos-graph.ts";
import { effectsOf } from "../src/journal.ts";
import { spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { sleep, tally } from "../src/tally.ts";

const ROUNDS = 1;
/** Threads per backend; even ones are recovered before the new run, odd ones are started again at once. */
const THREADS = 2;
/** Long enough for the checks made while the dead lease holds (they are skipped when it has lapsed). */
const LEASE_TTL = 3000;
const backends = await durableBackends("first");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("kill-before-first-checkpoint");

async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return "resolved";
	} catch (error) {
		return isWeftError(error) ? error.code : `untyped: ${String(error)}`;
	}
}

async function checkpointsOf(cp: Checkpointer, threadId: string) {
	const out: { id: string; parentId: string | null; step: number }[] = [];
	for await (const c of cp.list({ threadId }))
		out.push({ id: c.checkpointId, parentId: c.parentId, step: c.step });
	return out;
}

describe.concurrent.each(backends)(
	"a runner SIGKILLed before its first checkpoint ($kind)",
	(backend: Backend) => {
		it(`${THREADS} threads: running then stale, recover typed, a new run with input finishes once`, async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "first.txt");
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0 });
			try {
				for (let i = 0; i < THREADS; i++) {
					const threadId = `first-${i}`;
					const killed = await spawnWorker({
						store,
						threadId,
						action: "start",
						journal,
						rounds: ROUNDS,
						leaseTtlMs: LEASE_TTL,
						killAt: "before",
						killOn: "first",
					}).done;
					expect(killed).toBeUndefined();
					// nothing stored but the thread row its lease made; no node code ran
					expect(await checkpointsOf(cp, threadId)).toEqual([]);
					expect(effectsOf(journal, threadId).keys).toEqual([]);
					// no state to read (errors.md: a thread without checkpoints has an empty history)
					expect(await codeOf(graph.getState({ threadId }))).toBe(
						"CHECKPOINT_NOT_FOUND",
					);
					const history = [];
					for await (const h of graph.getStateHistory({ threadId }))
						history.push(h);
					expect(history).toEqual([]);
					const held = await graph.getThread({ threadId });
					let startedHere = false;
					const live =
						held?.lease !== null &&
						held?.lease !== undefined &&
						Date.parse(held.lease.expiresAt) > Date.now();
					if (held?.status === "running") {
						expect(held.lease).not.toBeNull();
						// while it holds, nobody can tell the runner is dead: recover and a new run wait for it
						const busy = [
							await codeOf(graph.recover(threadId)),
							await codeOf(graph.run({ rounds: ROUNDS }, { threadId })),
						];
						// (the lease may lapse between the two calls: then they act as below, checked there)
						for (const code of busy)
							expect(["THREAD_BUSY", "CONFIG_INVALID", "resolved"]).toContain(
								code,
							);
						if (busy.every((c) => c === "THREAD_BUSY")) {
							counts.add(`${backend.kind}.busy`);
							expect(await checkpointsOf(cp, threadId)).toEqual([]);
							expect((await graph.getThread({ threadId }))?.status).not.toBe(
								"failed",
							);
						}
						// lapsed before the new run: it started the thread here (paused at the review)
						startedHere = busy[1] === "resolved";
						if (startedHere) counts.add(`${backend.kind}.lapsedDuringChecks`);
					} else {
						expect(held?.status).toBe("stale");
						expect(live).toBe(false);
					}
					if (!startedHere) await startAgain(i);
					const approved = await spawnWorker({
						store,
						threadId,
						action: "approve",
						journal,
						rounds: ROUNDS,
					}).done;
					expect(approved).toMatchObject({ status: "done" });
					counts.add(`${backend.kind}.threads`);
				}
				for (let i = 0; i < THREADS; i++) {
					const threadId = `first-${i}`;
					const done = await graph.getState({ threadId });
					expect(done.values.log).toEqual(expectedLog(ROUNDS));
					expect(done.values.verdict).toBe("approve");
					expect((await graph.getThread({ threadId }))?.status).toBe("done");
					const effects = effectsOf(journal, threadId);
					expect(effects.repeated).toEqual([]);
					expect(effects.keys).toEqual(
						expectedEffects(threadId, ROUNDS, "approve"),
					);
					// one branch: each checkpoint's step once, each the child of the one before
					const chain = await checkpointsOf(cp, threadId);
					expect(new Set(chain.map((c) => c.step)).size).toBe(chain.length);
					expect(await cp.heads({ threadId })).toHaveLength(1);
				}
			} finally {
				await cp.close?.();
			}

			/** After the kill: wait for the lease to lapse, recover (even threads), start again with input. */
			async function startAgain(i: number): Promise<void> {
				const threadId = `first-${i}`;
				// the dead lease lapses: stale (expiry only gets more true; no timing is asserted)
				while ((await graph.getThread({ threadId }))?.status === "running")
					await sleep(100);
				const stale = await graph.getThread({ threadId });
				if (stale?.status === "stale") {
					expect(stale).toMatchObject({ step: -1 });
					expect(
						(await cp.listThreads({ status: "stale" })).map((t) => t.threadId),
					).toContain(threadId);
				} else expect(stale?.status).toBe("failed"); // recovered above once it lapsed
				if (i % 2 === 0 && stale?.status === "stale") {
					const error = await graph.recover(threadId).catch((e) => e);
					expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
					expect((error as { hint: string }).hint).toContain("input");
					expect(await graph.getThread({ threadId })).toMatchObject({
						status: "failed",
						lease: null,
					});
					counts.add(`${backend.kind}.recovered`);
				}
				// a new process starts the thread again with its input: it pauses at the review, then is approved
				const started = await spawnWorker({
					store,
					threadId,
					action: "start",
					journal,
					rounds: ROUNDS,
					leaseTtlMs: LEASE_TTL,
				}).done;
				expect(started).toMatchObject({ status: "interrupted" });
			}
		});
	},
);
