import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	type Checkpointer,
	Command,
	END,
	human,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

// What a run writes before its first step (a branch's copy, a Command's update) and what `updateState`
// writes: found by an outside audit that killed processes right after one of those writes, and raced
// `updateState` against a run.

const State = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	note: z.string().default(""),
	verdict: z.string().default(""),
});

const review = human("review", {
	request: z.object({ lines: z.number() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

/** a ‖ b → review (once notify, ask, once act) → END; effects counted by name. */
function graphOn(cp: Checkpointer, effects: string[], leaseTtlMs = 200) {
	return new StateGraph(State)
		.addNode("a", async (_s, ctx) => {
			await ctx.once("eff", () => effects.push("a"));
			return { log: ["a"] };
		})
		.addNode("b", async (_s, ctx) => {
			await ctx.once("eff", () => effects.push("b"));
			return { log: ["b"] };
		})
		.addNode("review", async (s, ctx) => {
			await ctx.once("notify", () => effects.push("notify"));
			const answer = await review.ask(ctx, { lines: s.log.length });
			await ctx.once("act", () => effects.push(`act ${answer.action}`));
			return { verdict: answer.action };
		})
		.addEdge(START, "a")
		.addEdge(START, "b")
		.addEdge(["a", "b"], "review")
		.addEdge("review", END)
		.compile({ checkpointer: cp, leaseTtlMs });
}

/**
 * The store as a process sees it that dies right after the put of a checkpoint with `source`: that put
 * never returns to it, and every other call fails (its lease then expires unrenewed).
 */
function dyingAfterPut(cp: Checkpointer, source: string): Checkpointer {
	let dead = false;
	return new Proxy(cp, {
		get(target, prop) {
			// a synchronous put (MemoryCheckpointer's fast path) is not offered: every put goes through `put`
			if (typeof prop === "symbol") return undefined;
			const v = Reflect.get(target, prop, target);
			if (typeof v !== "function") return v;
			return (...args: unknown[]) => {
				if (dead) return Promise.reject(new Error("the process is gone"));
				if (prop !== "put") return v.apply(target, args);
				const record = args[0] as { source: string };
				return (v.apply(target, args) as Promise<unknown>).then((r) => {
					if (record.source !== source) return r;
					// the put committed; the process is gone before it hears so: nothing runs after it
					dead = true;
					return new Promise(() => {});
				});
			};
		},
	}) as Checkpointer;
}

/** The thread `t`, once its dead runner's lease has expired, reads as stale (polled: no timing asserted). */
async function readsStale(cp: Checkpointer): Promise<boolean> {
	for (let i = 0; i < 250; i++) {
		if ((await cp.listThreads({ status: "stale" }))[0]?.threadId === "t")
			return true;
		await new Promise((r) => setTimeout(r, 20));
	}
	return false;
}

const dir = mkdtempSync(join(tmpdir(), "weft-prepare-writes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const stores: Array<[string, () => Checkpointer]> = [
	["memory", () => new MemoryCheckpointer()],
	[
		"SQLite file",
		() => new SqliteCheckpointer({ path: join(dir, `t${++files}.db`) }),
	],
];

describe.each(stores)("writes before the first step (%s)", (_name, open) => {
	it("a Command({ resume, update }) whose process dies after the update's checkpoint leaves the approval pending and every effect once", async () => {
		const cp = open();
		const effects: string[] = [];
		const t = { threadId: "t" };
		await graphOn(cp, effects).run({}, t);
		void graphOn(dyingAfterPut(cp, "update"), effects).run(
			new Command({ resume: { action: "approve" }, update: { note: "N" } }),
			t,
		);
		expect(await readsStale(cp)).toBe(true);
		const graph = graphOn(cp, effects);
		const after = await graph.getState(t);
		expect(after.source).toBe("update");
		expect(after.interrupts).toHaveLength(1); // carried with the update, in its own put
		const done = await graph.run(
			new Command({ resume: { action: "reject" } }),
			{ ...t, waitForLease: 5_000 },
		);
		expect(done.status).toBe("done");
		expect(done.values).toMatchObject({ note: "N", verdict: "reject" });
		expect(effects).toEqual(["a", "b", "notify", "act reject"]);
	});

	it("a Command({ update }) after a failed sibling, whose process dies after the update: the finished sibling does not run again", async () => {
		const cp = open();
		const effects: string[] = [];
		const t = { threadId: "t" };
		let fail = true;
		const failing = (store: Checkpointer) =>
			new StateGraph(State)
				.addNode("a", async (_s, ctx) => {
					await ctx.once("eff", () => effects.push("a"));
					return { log: ["a"] };
				})
				.addNode("b", () => {
					if (fail) throw new Error("b fails");
					effects.push("b");
					return { log: ["b"] };
				})
				.addEdge(START, "a")
				.addEdge(START, "b")
				.compile({ checkpointer: store, leaseTtlMs: 200 });
		await expect(failing(cp).run({}, t)).rejects.toThrow();
		fail = false;
		void failing(dyingAfterPut(cp, "update")).run(
			new Command({ update: { note: "fix" } }),
			t,
		);
		const graph = failing(cp);
		// the thread was marked running before the update's write: its runner gone, it reads as stale
		expect(await readsStale(cp)).toBe(true);
		const done = await graph.recover("t", { waitForLease: 5_000 });
		expect(done.status).toBe("done");
		expect(done.values).toMatchObject({ log: ["a", "b"], note: "fix" });
		expect(effects).toEqual(["a", "b"]);
	});

	it("a refused resume at a checkpoint whose step went on elsewhere writes nothing and says why", async () => {
		const cp = open();
		const effects: string[] = [];
		const graph = graphOn(cp, effects);
		const t = { threadId: "t" };
		const paused = await graph.run({}, t);
		await graph.run(new Command({ resume: { action: "approve" } }), t);
		const before = await graph.getState(t);
		for (const resume of [{ action: "reject" }, { action: "nonsense" }]) {
			const refused = await graph
				.run(new Command({ resume }), {
					...t,
					checkpointId: paused.checkpointId,
				})
				.catch((e: unknown) => e);
			expect(refused).toMatchObject({ code: "NO_PENDING_INTERRUPT" });
			expect(String(refused)).toContain("committed its step");
		}
		const after = await graph.getState(t);
		expect(after.heads).toEqual(before.heads);
		expect(after.values).toEqual(before.values);
		expect((await cp.getThread("t"))?.status).toBe("done");
		expect(effects).toEqual(["a", "b", "notify", "act approve"]);
	});
});

describe.each(stores)(
	"an answer its human checkpoint refuses (%s)",
	(_name, open) => {
		// a name of its own: a name declared again with another response schema is checked in the node only
		const approval = human("prepare-writes-approval", {
			request: z.object({ note: z.string() }),
			response: z.object({ ok: z.boolean() }),
		});
		const asking = (cp: Checkpointer, effects: string[]) =>
			new StateGraph(State)
				.addNode("ask", async (s, ctx) => {
					await ctx.once("notify", () => effects.push("notify"));
					const { ok } = await approval.ask(ctx, { note: s.note });
					return { verdict: ok ? "yes" : "no", log: [s.note] };
				})
				.addEdge(START, "ask")
				.addEdge("ask", END)
				.compile({ checkpointer: cp });

		it("writes nothing: no branch copy at a checkpoint with a fork beside it, no Command update; a valid answer then goes on", async () => {
			const cp = open();
			const effects: string[] = [];
			const graph = asking(cp, effects);
			const t = { threadId: "t" };
			const paused = await graph.run({ note: "a" }, t);
			// a fork beside the paused checkpoint: an answer there starts a branch with a copy of it
			await graph.updateState(
				{ ...t, checkpointId: paused.checkpointId },
				{ note: "b" },
			);
			const records = async () => {
				const thread = await cp.getThread("t");
				return [thread?.checkpoints, thread?.heads];
			};
			const before = {
				records: await records(),
				state: await graph.getState(t),
			};
			for (const [input, at] of [
				[new Command({ resume: { ok: "yes" } }), paused.checkpointId],
				[new Command({ resume: { ok: 1 } }), undefined],
				[
					new Command({ resume: { ok: 1 }, update: { log: ["kept?"] } }),
					undefined,
				],
				[
					new Command({ resume: {}, update: { note: "c" } }),
					paused.checkpointId,
				],
			] as const) {
				const refused = await graph
					.run(input, at === undefined ? t : { ...t, checkpointId: at })
					.catch((e: unknown) => e);
				expect(refused).toMatchObject({ code: "VALIDATION_FAILED" });
				expect(String(refused)).toContain(
					'the answer to "prepare-writes-approval"',
				);
			}
			expect(await records()).toEqual(before.records);
			const after = await graph.getState(t);
			expect(after.heads).toEqual(before.state.heads);
			expect(after.values).toEqual(before.state.values);
			expect(after.interrupts).toEqual(before.state.interrupts);
			expect((await cp.getThread("t"))?.status).toBe("interrupted");
			const done = await graph.run(new Command({ resume: { ok: true } }), {
				...t,
				checkpointId: paused.checkpointId,
			});
			expect(done.values).toMatchObject({ verdict: "yes", log: ["a"] });
			expect(effects).toEqual(["notify"]); // once: its result goes on with the copy
		});
	},
);

describe("updateState and a thread's lease and records", () => {
	it("refuses with THREAD_BUSY while a run holds the lease, and the run's step is not lost", async () => {
		const cp = new MemoryCheckpointer();
		let release!: () => void;
		const gate = new Promise<void>((r) => {
			release = r;
		});
		const graph = new StateGraph(State)
			.addNode("slow", async () => {
				await gate;
				return { log: ["slow"] };
			})
			.addEdge(START, "slow")
			.compile({ checkpointer: cp });
		const running = graph.run({}, { threadId: "t" });
		await new Promise((r) => setTimeout(r, 20));
		const busy = await graph
			.updateState({ threadId: "t" }, { note: "x" })
			.catch((e: unknown) => e);
		expect(busy).toMatchObject({ code: "THREAD_BUSY" });
		release();
		const done = await running;
		expect(done.status).toBe("done");
		expect(done.values.log).toEqual(["slow"]);
		// once the run let go, the update goes through; waitForLease waits for it
		await graph.updateState(
			{ threadId: "t", waitForLease: 1_000 },
			{ note: "x" },
		);
		expect((await graph.getState({ threadId: "t" })).values.note).toBe("x");
	});

	it("on a paused thread keeps the pending approval and the saved effects: the answer resumes it and nothing repeats", async () => {
		const cp = new MemoryCheckpointer();
		const effects: string[] = [];
		const graph = graphOn(cp, effects);
		const t = { threadId: "t" };
		await graph.run({}, t);
		await graph.updateState(t, { note: "edited" });
		const state = await graph.getState(t);
		expect(state.interrupts).toHaveLength(1);
		const done = await graph.run(
			new Command({ resume: { action: "approve" } }),
			t,
		);
		expect(done.values).toMatchObject({ note: "edited", verdict: "approve" });
		expect(effects).toEqual(["a", "b", "notify", "act approve"]);
	});
});
