// pg_terminate_backend of the suite's own connections in a loop while a process runs threads: the
// process survives (exit 0), every run finishes or fails with a typed error, and nothing is lost: each
// thread then finishes exactly, with each effect once.
import { join } from "node:path";
import { Command } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import {
	chaosGraph,
	expectedEffects,
	expectedLog,
} from "../src/chaos-graph.ts";
import { effectsOf } from "../src/journal.ts";
import { terminateConnections } from "../src/postgres-admin.ts";
import { spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, openStore, postgresBackends } from "../src/stores.ts";
import { sleep, tally } from "../src/tally.ts";
import type { WorkerOutcome } from "../src/worker.ts";

const THREADS = 12;
const ROUNDS = 2;
const LEASE = { waitForLease: 20_000 };
const backends = await postgresBackends("term");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("pg_terminate_backend");

describe.skipIf(backends.length === 0)(
	"Postgres connections terminated during runs",
	() => {
		it("the process survives, runs end typed, nothing is lost", async () => {
			const backend = backends[0] as Backend;
			const store = backend.fresh();
			const journal = join(backend.dir, "term.txt");
			// create the schema before the storm
			const setup = await openStore(store);
			await setup.close?.();
			const child = spawnWorker(
				{
					store,
					threadId: "term",
					action: "many",
					threads: THREADS,
					rounds: ROUNDS,
					delayMs: 5,
					journal,
					runConfig: LEASE,
					leaseTtlMs: 1000,
				},
				{ timeoutMs: 100_000 },
			);
			await child.ready;
			let running = true;
			let terminated = 0;
			let loops = 0;
			const storm = (async () => {
				const until = Date.now() + 60_000;
				while (running && Date.now() < until && loops < 2000) {
					terminated += await terminateConnections(backend.database!);
					loops++;
					await sleep(50 + Math.random() * 200);
				}
			})();
			const out = (await child.done.finally(() => {
				running = false;
			})) as WorkerOutcome;
			await storm;
			counts.set("terminations", terminated);
			counts.set("loops", loops);
			const runs = out.runs!;
			expect(runs).toHaveLength(THREADS);
			// every run finished or failed typed
			const untyped = runs.filter((r) => r.error === "UNTYPED");
			expect(untyped).toEqual([]);
			counts.set("finished", runs.filter((r) => r.status === "done").length);
			counts.set(
				"failedTyped",
				runs.filter((r) => r.error !== undefined).length,
			);

			// nothing lost: each thread goes on to its exact end, each effect once
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0, leaseTtlMs: 1000 });
			try {
				for (let i = 0; i < THREADS; i++) {
					const threadId = `term-${i}`;
					for (let attempt = 0; attempt < 5; attempt++) {
						const tuple = await cp.getTuple({ threadId });
						const state = tuple && (await graph.getState({ threadId }));
						if (state !== undefined && state.next.length === 0) break;
						const input =
							state === undefined
								? { rounds: ROUNDS }
								: state.interrupts.length > 0
									? new Command({ resume: { action: "approve" } })
									: null;
						await graph.run(input, { threadId, ...LEASE });
					}
					const state = await graph.getState({ threadId });
					expect(state.values).toEqual({
						log: expectedLog(ROUNDS),
						round: ROUNDS,
						rounds: ROUNDS,
						verdict: "approve",
					});
					const effects = effectsOf(journal, threadId);
					expect(effects.repeated).toEqual([]);
					expect(effects.keys).toEqual(
						expectedEffects(threadId, ROUNDS, "approve"),
					);
				}
			} finally {
				await cp.close?.();
			}
			expect(terminated).toBeGreaterThan(0);
		}, 150_000);
	},
);
