// A run whose heartbeat finds its lease taken over is cancelled with LEASE_LOST, and its tasks' ctx.signal
// aborts with that reason, whether the node read the signal before the loss or only after it (the run's
// signal is made only when a task asks for it: perf, issue 17).
import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** A memory store on a clock the test moves. */
function store() {
	const clock = { now: Date.now() };
	return { cp: new MemoryCheckpointer({ clock: () => clock.now }), clock };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => boolean) {
	for (let i = 0; i < 500 && !ok(); i++) await sleep(5);
}

function graphOf(cp: MemoryCheckpointer, readEarly: boolean) {
	const seen = {
		entered: false,
		early: undefined as AbortSignal | undefined,
		late: undefined as AbortSignal | undefined,
	};
	let release!: () => void;
	const gate = new Promise<void>((r) => {
		release = r;
	});
	const graph = new StateGraph(z.object({ n: z.number() }))
		.addNode("work", async (s, ctx) => {
			if (readEarly) seen.early = ctx.signal;
			seen.entered = true;
			await gate;
			seen.late = ctx.signal;
			return { n: s.n + 1 };
		})
		.addEdge(START, "work")
		.compile({ checkpointer: cp, leaseTtlMs: 40 });
	return { graph, seen, release };
}

/** The run's lease lapses (the store's clock jumps) and another owner takes it: the next heartbeat finds out. */
async function takeOver(cp: MemoryCheckpointer, clock: { now: number }) {
	clock.now += 60_000;
	return cp.acquireLease("t", { owner: "other", ttlMs: 600_000 });
}

describe("a lease lost while a node runs", () => {
	for (const readEarly of [true, false])
		it(`cancels the run with LEASE_LOST and aborts ctx.signal (read ${readEarly ? "before" : "after"} the loss)`, async () => {
			const { cp, clock } = store();
			const { graph, seen, release } = graphOf(cp, readEarly);
			const run = graph.run({ n: 0 }, { threadId: "t" }).catch((e) => e);
			await until(() => seen.entered);
			if (readEarly) expect(seen.early?.aborted).toBe(false);
			const taken = await takeOver(cp, clock);
			const outcome = await run;
			expect(isWeftError(outcome, "LEASE_LOST")).toBe(true);
			if (readEarly) {
				expect(seen.early?.aborted).toBe(true);
				expect(seen.early?.reason).toBe(outcome);
			}
			release();
			await until(() => seen.late !== undefined);
			expect(seen.late?.aborted).toBe(true);
			expect(seen.late?.reason).toBe(outcome);
			// the new holder's lease is untouched, and nothing was committed by the old run
			expect((await cp.getThread("t"))?.lease?.token).toBe(taken.token);
			expect(await cp.releaseLease(taken, "interrupted")).toBe(true);
		});
});
