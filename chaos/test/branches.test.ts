// Approvals on forked and replayed branches, answered from new processes (by checkpoint id and by
// interrupt id), while the original branch's records stay exactly as they were.
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { afterAll, describe, expect, it } from "vitest";
import { chaosGraph, expectedLog } from "../src/chaos-graph.ts";
import { spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";
import type { WorkerJob, WorkerOutcome } from "../src/worker.ts";

const backends = await durableBackends("branch");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("branches");

/** Every record of the thread as stored now (checkpoints with their pending writes), by id. */
async function records(
	cp: Checkpointer,
	threadId: string,
): Promise<Map<string, string>> {
	const out = new Map<string, string>();
	for await (const c of cp.list({ threadId })) {
		const t = await cp.getTuple({ threadId, checkpointId: c.checkpointId });
		const { hasChildren: _, ...rest } = t!;
		out.set(c.checkpointId, JSON.stringify(rest));
	}
	return out;
}

describe.concurrent.each(backends)(
	"approvals on branches, from new processes ($kind)",
	(backend: Backend) => {
		it("forks and replays pause on their own branch and are answered there; the original is unchanged", async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "branches.txt");
			const threadId = "br";
			const run = async (job: Partial<WorkerJob> & Pick<WorkerJob, "action">) =>
				(await spawnWorker({ store, threadId, journal, rounds: 2, ...job })
					.done) as WorkerOutcome;
			const original = await run({ action: "start" });
			expect(original).toMatchObject({ status: "interrupted" });
			const cp = await openStore(store);
			const graph = chaosGraph(cp, { journal, delayMs: 0 });
			try {
				const before = await records(cp, threadId);
				const history: {
					checkpointId: string;
					next: string[];
					step: number;
				}[] = [];
				for await (const s of graph.getStateHistory({ threadId }))
					history.push(s);
				// two checkpoints where the workers of a round are due
				const due = history.filter((s) => s.next.includes("a"));
				expect(due.length).toBeGreaterThanOrEqual(2);

				// a fork (continue from an old checkpoint), a replay, and a replay of the paused checkpoint
				const fork = await run({
					action: "continue",
					checkpointId: due[0]!.checkpointId,
				});
				const replay = await run({
					action: "replay",
					checkpointId: due[1]!.checkpointId,
				});
				const again = await run({
					action: "replay",
					checkpointId: original.checkpointId!,
				});
				for (const b of [fork, replay, again]) {
					expect(b).toMatchObject({ status: "interrupted" });
					expect(b.interrupts).toHaveLength(1);
					expect(b.checkpointId).not.toBe(original.checkpointId);
					const state = await graph.getState({
						threadId,
						checkpointId: b.checkpointId!,
					});
					expect(state.interrupts).toHaveLength(1);
				}
				const heads = await cp.heads({ threadId });
				// the three new branches (the paused original now has a child: the replay's branch checkpoint)
				expect(heads.length).toBeGreaterThanOrEqual(3);
				expect((await cp.getThread(threadId))?.heads).toHaveLength(
					heads.length,
				);

				// answered from new processes: by checkpoint id, by interrupt id
				const forkDone = await run({
					action: "approve",
					checkpointId: fork.checkpointId!,
				});
				expect(forkDone).toMatchObject({
					status: "done",
					values: { verdict: "approve" },
				});
				const replayDone = await run({
					action: "approve-by-id",
					interruptId: replay.interrupts![0]!.id,
				});
				expect(replayDone).toMatchObject({
					status: "done",
					values: { verdict: "approve" },
				});
				const againDone = await run({
					action: "reject",
					checkpointId: again.checkpointId!,
				});
				expect(againDone).toMatchObject({
					status: "done",
					values: { verdict: "reject" },
				});
				for (const b of [forkDone, replayDone, againDone])
					expect(b.values!.log).toEqual(expectedLog(2));

				// the original branch's records are as they were, and it is still waiting
				const after = await records(cp, threadId);
				for (const [id, text] of before)
					expect(after.get(id), `checkpoint ${id}`).toBe(text);
				const waiting = await graph.getState({
					threadId,
					checkpointId: original.checkpointId!,
				});
				expect(waiting.interrupts.map((i) => i.id)).toEqual(
					original.interrupts!.map((i) => i.id),
				);
				const originalDone = await run({
					action: "reject",
					checkpointId: original.checkpointId!,
				});
				expect(originalDone).toMatchObject({
					status: "done",
					values: { verdict: "reject" },
				});
				expect(originalDone.values!.log).toEqual(expectedLog(2));
				counts.add(`${backend.kind}.branchesAnswered`, 4);
			} finally {
				await cp.close?.();
			}
		}, 90_000);
	},
);
