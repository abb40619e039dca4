// A process whose clock is 60 s behind commits last: the latest state read afterwards is its commit
// (order comes from the store, not from client clocks or time-ordered ids).
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundlePath } from "../src/build-workers.ts";
import { chaosGraph, expectedLog } from "../src/chaos-graph.ts";
import { spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";
import type { WorkerJob } from "../src/worker.ts";

const backends = await durableBackends("skew");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("clock skew");
const SKEWED = { nodeArgs: ["--import", bundlePath("clock-skew")] };

describe.concurrent.each(backends)(
	"a process 60 s behind commits last ($kind)",
	(backend: Backend) => {
		it("the latest state is the skewed process's commit", async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "skew.txt");
			const job = (action: WorkerJob["action"]): WorkerJob => ({
				store,
				threadId: "skew",
				action,
				journal,
				rounds: 2,
			});
			const first = await spawnWorker(job("start")).done;
			expect(first).toMatchObject({ status: "interrupted" });
			const skewed = await spawnWorker(job("approve"), SKEWED).done;
			expect(skewed).toMatchObject({
				status: "done",
				values: { verdict: "approve" },
			});
			// the skew took: the skewed commit's time-ordered id sorts before the earlier commit's
			expect(skewed!.checkpointId! < first!.checkpointId!).toBe(true);
			const cp = await openStore(store);
			try {
				const graph = chaosGraph(cp, { journal, delayMs: 0 });
				const state = await graph.getState({ threadId: "skew" });
				expect(state.checkpointId).toBe(skewed!.checkpointId);
				expect(state.next).toEqual([]);
				expect(state.values).toMatchObject({
					verdict: "approve",
					log: expectedLog(2),
				});
				const thread = await cp.getThread("skew");
				expect(thread).toMatchObject({
					status: "done",
					checkpointId: skewed!.checkpointId,
				});
				expect(thread!.heads[0]).toBe(skewed!.checkpointId);
				const [newest] = await cp.heads({ threadId: "skew" });
				expect(newest?.checkpointId).toBe(skewed!.checkpointId);
				const history = graph.getStateHistory(
					{ threadId: "skew" },
					{ limit: 1 },
				);
				for await (const s of history)
					expect(s.checkpointId).toBe(skewed!.checkpointId);
				counts.add(`${backend.kind}.skewedCommits`);
			} finally {
				await cp.close?.();
			}
		});

		it("a skewed process continuing mid-run leaves its last step as the latest", async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "skew2.txt");
			const cp = await openStore(store);
			try {
				const graph = chaosGraph(cp, { journal, delayMs: 0 });
				const stop = new AbortController();
				for await (const ev of graph.stream(
					{ rounds: 3 },
					{ threadId: "mid", signal: stop.signal, mode: "checkpoints" },
				))
					if (ev.type === "checkpoint" && ev.step >= 2) stop.abort();
				const out = await spawnWorker(
					{ store, threadId: "mid", action: "continue", journal, rounds: 3 },
					SKEWED,
				).done;
				expect(out).toMatchObject({ status: "interrupted" });
				const state = await graph.getState({ threadId: "mid" });
				expect(state.checkpointId).toBe(out!.checkpointId);
				expect(state.next).toEqual(["review"]);
				expect(state.values.round).toBe(3);
				expect((await cp.getThread("mid"))?.status).toBe("interrupted");
				counts.add(`${backend.kind}.skewedCommits`);
			} finally {
				await cp.close?.();
			}
		});
	},
);
