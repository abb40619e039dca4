// pg_terminate_backend aimed at the writes that must be atomic: an update's and a fork's checkpoint, which
// carry the paused step's records (`PutOptions.pendingWrites`, decision 0059) in one transaction. A worker
// runs, per thread, `Command({ update, resume })` on a thread paused at the review and then a fork at the
// paused checkpoint, on a pool whose connection is terminated (`src/fault-pool.ts`) at a random statement of
// such a put's transaction (before `put_checkpoint`, before the records' INSERT, before COMMIT, or together
// with COMMIT). It reads after each such put what the store holds: the checkpoint with all its records, or
// nothing. The process survives, every run ends or fails typed, and each thread is then finished: the
// update applied once, both branches exact, each effect once.
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { Command } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import {
	chaosGraph,
	expectedEffects,
	expectedLog,
} from "../src/chaos-graph.ts";
import { effectsOf } from "../src/journal.ts";
import { spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, openStore, postgresBackends } from "../src/stores.ts";
import { tally } from "../src/tally.ts";
import type { WorkerOutcome } from "../src/worker.ts";

const THREADS = 10;
const ROUNDS = 1;
/** The chance that an attempt at a carried put loses its connection (a put is tried twice). */
const FAULTS = 0.6;
const LEASE = { waitForLease: 20_000 };
const UPDATE = { log: ["u"] };
const backends = await postgresBackends("carry");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("pg_terminate_backend in carried puts");

/** The thread's checkpoints: id → parent id and source. */
async function tree(cp: Checkpointer, threadId: string) {
	const out = new Map<string, { parentId: string | null; source: string }>();
	for await (const c of cp.list({ threadId }))
		out.set(c.checkpointId, { parentId: c.parentId, source: c.source });
	return out;
}

/** The newest head of the branch through checkpoint `id`. */
async function headThrough(
	cp: Checkpointer,
	threadId: string,
	id: string,
): Promise<string> {
	const all = await tree(cp, threadId);
	for (const head of await cp.heads({ threadId })) {
		for (
			let at: string | null = head.checkpointId;
			at !== null;
			at = all.get(at)?.parentId ?? null
		)
			if (at === id) return head.checkpointId;
	}
	throw new Error(`no head descends from ${id}`);
}

describe.skipIf(backends.length === 0)(
	"Postgres connections terminated in puts that carry records",
	() => {
		it("each carried put commits whole or not at all; runs end typed; threads then finish exactly", async () => {
			const backend = backends[0] as Backend;
			const store = backend.fresh();
			const journal = join(backend.dir, "carry.txt");
			// the schema exists before the storm
			const setup = await openStore(store);
			await setup.close?.();
			const out = (await spawnWorker(
				{
					store,
					threadId: "carry",
					action: "carried",
					threads: THREADS,
					rounds: ROUNDS,
					delayMs: 2,
					journal,
					update: UPDATE,
					faults: FAULTS,
					runConfig: LEASE,
					leaseTtlMs: 1000,
				},
				{ timeoutMs: 100_000 },
			).done) as WorkerOutcome;
			// the process survived (exit 0, its report written), every run ended or failed typed
			const runs = out.runs!;
			expect(runs.filter((r) => r.error === "UNTYPED")).toEqual([]);
			for (const r of runs)
				if (r.error !== undefined)
					expect(r.error, `${r.label}: ${r.message}`).toBe("STORE_UNAVAILABLE");
			// never a checkpoint without its records
			expect(out.carried!.broken).toEqual([]);
			const terminated = Object.values(out.faults!.terminated).reduce(
				(a, b) => a + (b ?? 0),
				0,
			);
			counts.set("carriedPutAttempts", out.faults!.attempts);
			for (const [at, n] of Object.entries(out.faults!.terminated))
				counts.set(`terminatedAt.${at}`, n ?? 0);
			counts.set("committed", out.carried!.committed);
			counts.set("committedAnswerLost", out.carried!.committedButFailed);
			counts.set("rolledBack", out.carried!.rolledBack);
			counts.set("runsFailedTyped", runs.filter((r) => r.error).length);
			counts.set("runsEnded", runs.filter((r) => r.status).length);
			expect(terminated).toBeGreaterThan(0);

			// each thread then finishes: the update branch approved with the update once, the fork rejected
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0, leaseTtlMs: 1000 });
			/** Runs the branch through `id` to its end, answering `action`. */
			const finish = async (
				threadId: string,
				id: string,
				action: "approve" | "reject",
			) => {
				for (let i = 0; i < 5; i++) {
					const checkpointId = await headThrough(cp, threadId, id);
					const state = await graph.getState({ threadId, checkpointId });
					if (state.next.length === 0) return state;
					await graph.run(
						state.interrupts.length > 0
							? new Command({ resume: { action } })
							: null,
						{ threadId, checkpointId, ...LEASE },
					);
				}
				throw new Error(`${threadId}: the branch through ${id} did not end`);
			};
			try {
				for (let i = 0; i < THREADS; i++) {
					const threadId = `carry-${i}`;
					const paused = runs.find((r) => r.label === `${threadId}:start`)!
						.checkpointId!;
					const open = (await cp.getTuple({ threadId, checkpointId: paused }))!
						.pendingWrites;
					expect(open.map((w) => w.kind)).toEqual(["interrupt"]);
					const bySource = async (source: string) =>
						[...(await tree(cp, threadId))].filter(
							([, c]) => c.source === source,
						);
					// at rest, an update or fork checkpoint whose step is open still holds what it carried
					for (const [id] of [
						...(await bySource("update")),
						...(await bySource("fork")),
					]) {
						const t = (await cp.getTuple({ threadId, checkpointId: id }))!;
						if (!t.hasChildren)
							expect(t.pendingWrites).toEqual(expect.arrayContaining(open));
					}
					if ((await bySource("update")).length === 0)
						await graph.run(
							new Command({ update: UPDATE, resume: { action: "approve" } }),
							{ threadId, checkpointId: paused, ...LEASE },
						);
					const [update, ...more] = await bySource("update");
					expect(more).toEqual([]);
					const approved = await finish(threadId, update![0], "approve");
					if ((await bySource("fork")).length === 0)
						await graph.run(new Command({ resume: { action: "reject" } }), {
							threadId,
							checkpointId: paused,
							...LEASE,
						});
					const [fork, ...forks] = await bySource("fork");
					expect(forks).toEqual([]);
					const rejected = await finish(threadId, fork![0], "reject");
					expect(approved.values).toEqual({
						log: [...expectedLog(ROUNDS), "u"],
						round: ROUNDS,
						rounds: ROUNDS,
						verdict: "approve",
					});
					expect(rejected.values).toEqual({
						log: expectedLog(ROUNDS),
						round: ROUNDS,
						rounds: ROUNDS,
						verdict: "reject",
					});
					const effects = effectsOf(journal, threadId);
					expect(effects.repeated).toEqual([]);
					expect(effects.keys).toEqual(
						[
							...expectedEffects(threadId, ROUNDS, "approve"),
							`${threadId}|review|reject`,
						].sort(),
					);
					expect((await cp.getThread(threadId))?.status).toBe("done");
				}
			} finally {
				await cp.close?.();
			}
		}, 150_000);
	},
);
