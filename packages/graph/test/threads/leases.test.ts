import {
	Command,
	human,
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	n: z.number().default(0),
	answer: z.string().default(""),
});

/** A graph whose node waits until released, counting entries and effects. */
function gated(cp = new MemoryCheckpointer(), leaseTtlMs?: number) {
	const seen = { entries: 0, effects: [] as string[] };
	let release!: () => void;
	const gate = new Promise<void>((r) => {
		release = r;
	});
	const graph = new StateGraph(State)
		.addNode("work", async (s, ctx) => {
			seen.entries++;
			await gate;
			const receipt = await ctx.once("effect", () => {
				seen.effects.push(`effect#${seen.effects.length + 1}`);
				return seen.effects.length;
			});
			return { n: s.n + receipt };
		})
		.addEdge(START, "work")
		.compile({ checkpointer: cp, leaseTtlMs });
	return { graph, cp, seen, release };
}

const review = human("review", {
	request: z.object({ n: z.number() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

function approval(cp = new MemoryCheckpointer()) {
	const effects: string[] = [];
	const graph = new StateGraph(State)
		.addNode("ask", async (s, ctx) => {
			const a = await review.ask(ctx, { n: s.n });
			const done = await ctx.once("send", () => {
				effects.push(a.action);
				return a.action;
			});
			return { answer: done };
		})
		.addEdge(START, "ask")
		.compile({ checkpointer: cp });
	return { graph, cp, effects };
}

describe("thread leases", () => {
	it("a second runner gets THREAD_BUSY at once and runs no node code", async () => {
		const { graph, cp, seen, release } = gated();
		const first = graph.run({ n: 1 }, { threadId: "t" });
		await until(() => seen.entries === 1);
		const second = await graph
			.run(null, { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(second, "THREAD_BUSY")).toBe(true);
		expect(seen.entries).toBe(1);
		expect((await cp.getThread("t"))?.status).toBe("running");
		release();
		expect((await first).status).toBe("done");
		expect(seen.effects).toEqual(["effect#1"]);
		const thread = await cp.getThread("t");
		expect(thread?.status).toBe("done");
		expect(thread?.lease).toBeNull();
	});

	it("waitForLease waits for the holder, then runs", async () => {
		const { graph, seen, release } = gated();
		const first = graph.run({ n: 1 }, { threadId: "t" });
		await until(() => seen.entries === 1);
		const second = graph.run({ n: 5 }, { threadId: "t", waitForLease: 5000 });
		setTimeout(release, 20);
		expect((await first).status).toBe("done");
		const after = await second;
		expect(after.status).toBe("done");
		expect(seen.entries).toBe(2);
	});

	it("a waitForLease that runs out says it waited, and names the holder as THREAD_BUSY does", async () => {
		const { graph, seen, release } = gated();
		const first = graph.run({ n: 1 }, { threadId: "t" });
		await until(() => seen.entries === 1);
		const error = await graph
			.run(null, { threadId: "t", waitForLease: 30 })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "THREAD_BUSY")).toBe(true);
		expect((error as Error).message).toContain("waited 30 ms");
		expect((error as { hint: string }).hint).toContain("larger waitForLease");
		expect((error as { holder?: { owner: string } }).holder?.owner).toEqual(
			expect.any(String),
		);
		release();
		expect((await first).status).toBe("done");
		expect(seen.entries).toBe(1);
	});

	it("updateState refuses a waitForLease that is no number of milliseconds, as a run does, writing nothing", async () => {
		const { graph, release } = gated();
		release();
		const { checkpointId: head } = await graph.run({ n: 1 }, { threadId: "t" });
		for (const wait of ["10", -1, Number.NaN, {}]) {
			const error = await graph
				.updateState({ threadId: "t", waitForLease: wait as never }, { n: 9 })
				.catch((e: unknown) => e);
			expect(isWeftError(error, "CONFIG_INVALID"), String(wait)).toBe(true);
			expect((error as Error).message).toContain("waitForLease");
		}
		const run = await graph
			.run(null, { threadId: "t", waitForLease: "10" as never })
			.catch((e: unknown) => e);
		expect((run as Error).message).toContain('the string "10"');
		expect((await graph.getState({ threadId: "t" })).checkpointId).toBe(head);
	});

	it("approve and reject at once: one answer wins, one effect, status stays right", async () => {
		const { graph, cp, effects } = approval();
		const paused = await graph.run({ n: 1 }, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		const results = await Promise.allSettled([
			graph.run(new Command({ resume: { action: "approve" } }), {
				threadId: "t",
			}),
			graph.run(new Command({ resume: { action: "reject" } }), {
				threadId: "t",
			}),
		]);
		const ok = results.filter((r) => r.status === "fulfilled");
		const busy = results.filter(
			(r) => r.status === "rejected" && isWeftError(r.reason, "THREAD_BUSY"),
		);
		expect(ok).toHaveLength(1);
		expect(busy).toHaveLength(1);
		expect(effects).toHaveLength(1);
		expect((await cp.getThread("t"))?.status).toBe("done");
	});

	it("a dead runner leaves the thread stale; recover() continues it", async () => {
		const { graph, cp, seen, release } = gated(new MemoryCheckpointer(), 60);
		release();
		await graph.run({ n: 1 }, { threadId: "t" });
		// a runner that took the lease, marked the thread running, and died
		const lease = await cp.acquireLease("t", { owner: "dead", ttlMs: 30 });
		await cp.setThreadStatus("t", "running", { fence: lease.token });
		expect((await cp.getThread("t"))?.status).toBe("running");
		await sleep(60);
		expect((await cp.getThread("t"))?.status).toBe("stale");
		const recovered = await graph.recover("t");
		expect(recovered.status).toBe("done");
		expect((await cp.getThread("t"))?.status).toBe("done");
		expect(seen.entries).toBe(1);
	});

	it("a run whose lease was taken over commits nothing and leaves the status alone", async () => {
		const cp = new StallingCheckpointer();
		const { graph, seen, release } = gated(cp, 40);
		const first = graph.run({ n: 1 }, { threadId: "t" });
		await until(() => seen.entries === 1);
		const before = await cp.getThread("t");
		// the holder stalls: its heartbeats no longer reach the store, the lease lapses, another takes it
		cp.stall = true;
		await sleep(80);
		const taken = await cp.acquireLease("t", { owner: "other", ttlMs: 10_000 });
		await cp.releaseLease(taken, "interrupted");
		release();
		const outcome = await first.catch((e: unknown) => e);
		expect(isWeftError(outcome, "LEASE_LOST")).toBe(true);
		const after = await cp.getThread("t");
		expect(after?.status).toBe("interrupted");
		expect(after?.checkpointId).toBe(before?.checkpointId);
		expect(seen.effects).toEqual([]);
	});
});

/** A store whose lease renewals hang while `stall` is set (a paused process, a lost connection). */
class StallingCheckpointer extends MemoryCheckpointer {
	stall = false;
	override renewLease(
		...args: Parameters<MemoryCheckpointer["renewLease"]>
	): ReturnType<MemoryCheckpointer["renewLease"]> {
		return this.stall ? new Promise(() => {}) : super.renewLease(...args);
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !check(); i++) await sleep(2);
	if (!check()) throw new Error("condition not reached");
}
