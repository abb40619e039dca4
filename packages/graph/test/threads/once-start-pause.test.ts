// A runner paused while its `ctx.once` start record was on the wire (the record written, its answer not yet
// read: SIGSTOP, a frozen VM, a long GC pause), woken after another runner took its thread over, must not
// run the effect: its lease lapsed by its own clock, so it reads the lease again first and stops with
// LEASE_LOST. The server soak (chaos/test/server-soak.test.ts) saw a worker SIGCONTed ran a step's effect
// 3 ms after waking, without `retrying`, after the run's next attempt on another worker had run it (decision
// 0109 read the lease only before the start record).
import {
	isWeftError,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One node whose `ctx.once` effect counts its runs in `effects`; a short lease (100 ms). */
const effectGraph = (store: MemoryCheckpointer, effects: { count: number }) =>
	new StateGraph(z.object({ n: z.number() }))
		.addNode("work", async (s, ctx) => {
			await ctx.once("effect", () => {
				effects.count++;
			});
			return { n: s.n + 1 };
		})
		.addEdge(START, "work")
		.compile({ checkpointer: store, leaseTtlMs: 100 });

/**
 * `cp` as a runner paused at its once-start record sees it: once the first such record is stored,
 * `atStart` runs before the write answers (the pause); `write` is told of each record write first, and
 * `lease` stands around each lease renewal and read (`renewLease`, `getThreadLease`, `getThread`):
 * a promise that never settles is a process whose requests do not go out.
 */
function pausedAtStart(
	cp: MemoryCheckpointer,
	o: {
		atStart: () => Promise<void>;
		write?: () => void;
		lease?: (name: string, call: () => Promise<unknown>) => Promise<unknown>;
	},
): MemoryCheckpointer {
	let started = false;
	return new Proxy(cp, {
		get(target, prop) {
			const value = Reflect.get(target, prop, target);
			if (typeof value !== "function") return value;
			if (prop === "putWrites")
				return async (...args: unknown[]) => {
					o.write?.();
					const out = await value.apply(target, args);
					const writes = args[1] as { kind?: string }[];
					if (!started && writes.some((w) => w.kind === "once-start")) {
						started = true;
						await o.atStart();
					}
					return out;
				};
			if (
				o.lease !== undefined &&
				(prop === "renewLease" ||
					prop === "getThreadLease" ||
					prop === "getThread")
			)
				return (...args: unknown[]) =>
					o.lease!(prop, () => value.apply(target, args) as Promise<unknown>);
			return value.bind(target);
		},
	});
}

const never = () => new Promise<never>(() => {});

describe("a runner paused as its once-start record is written", () => {
	it("woken after a take-over, it runs no effect: LEASE_LOST", async () => {
		const clock = { now: Date.now() };
		const cp = new MemoryCheckpointer({ clock: () => clock.now });
		let paused = false;
		let other:
			| Awaited<ReturnType<MemoryCheckpointer["acquireLease"]>>
			| undefined;
		// the "pause": the start record is stored, then nothing of the runner goes on (its renewals hang)
		// for longer than its TTL while the lease lapses and another owner takes it
		const store = pausedAtStart(cp, {
			atStart: async () => {
				paused = true;
				await sleep(300);
				clock.now += 60_000;
				other = await cp.acquireLease("t", { owner: "other", ttlMs: 600_000 });
			},
			lease: (name, call) =>
				paused && name === "renewLease" ? never() : call(),
		});
		const effects = { count: 0 };
		const graph = effectGraph(store, effects);
		const outcome = await graph.run({ n: 0 }, { threadId: "t" }).then(
			() => "finished",
			(e: unknown) => e,
		);
		expect(paused).toBe(true);
		expect(isWeftError(outcome, "LEASE_LOST")).toBe(true);
		expect(effects.count).toBe(0);
		// the new holder's lease is untouched
		expect((await cp.getThread("t"))?.lease?.token).toBe(other?.token);
	});

	it("its run stopped meanwhile (taken back from its worker), the answer then read: still no effect", async () => {
		// The server soak again (8 Dec): a worker SIGSTOPped as its start record's answer was on the wire,
		// woken after a sweep took the run back (its run-lock session ended) and another worker took the
		// thread. Waking, it stopped the run at once, and the run's end let go of its lease (RunStore.end),
		// after which its effects were confirmed by nothing: the node, reading the answer, ran the effect.
		const clock = { now: Date.now() };
		const cp = new MemoryCheckpointer({ clock: () => clock.now });
		let stored: () => void = () => {};
		const startStored = new Promise<void>((r) => {
			stored = r;
		});
		let answer: () => void = () => {};
		const answered = new Promise<void>((r) => {
			answer = r;
		});
		let touched: () => void = () => {};
		const storeTouched = new Promise<void>((r) => {
			touched = r;
		});
		let paused = false;
		const store = pausedAtStart(cp, {
			atStart: async () => {
				paused = true;
				stored();
				await answered; // the answer is read only after the run was stopped
			},
			write: () => {
				if (paused) touched();
			},
			lease: (name, call) => {
				if (name === "renewLease") return paused ? never() : call();
				if (paused) touched();
				return call();
			},
		});
		const effects = { count: 0 };
		const graph = effectGraph(store, effects);
		const stop = new AbortController();
		const outcome = graph
			.run({ n: 0 }, { threadId: "t", signal: stop.signal })
			.then(
				(r) => r.status,
				(e: unknown) => e,
			);
		await startStored;
		// its lease lapses, and another runner takes the thread; the worker stops the run it lost
		clock.now += 60_000;
		const other = await cp.acquireLease("t", {
			owner: "other",
			ttlMs: 600_000,
		});
		stop.abort(new Error("taken back"));
		await Promise.race([outcome, sleep(200)]);
		await sleep(150); // and its lease is past its TTL by its own clock too (no renewal since the pause)
		answer();
		await storeTouched;
		await sleep(20);
		expect(effects.count).toBe(0);
		await outcome;
		expect((await cp.getThread("t"))?.lease?.token).toBe(other.token);
	});

	it("woken with its lease lapsed but not taken yet: a take-over right after its check finds the lease renewed", async () => {
		// The soak once more (8 Dec): woken after its lease lapsed, a worker read the lease, found it still
		// its own (nobody had taken it yet), and ran the effect; the sweep took the lease between that read
		// and the effect, and the run's next attempt ran the effect again. A lapsed lease found still held is
		// renewed before the effect: a take-over after that check is refused, one before it stops the runner.
		const clock = { now: Date.now() };
		const cp = new MemoryCheckpointer({ clock: () => clock.now });
		let hang = false;
		let armed = false;
		let otherTook = false;
		// what a sweep does the moment after the runner's check: takes the lease if it has lapsed
		const takeOver = async () => {
			if (!armed) return;
			armed = false;
			otherTook = await cp
				.acquireLease("t", { owner: "sweep", ttlMs: 600_000 })
				.then(
					() => true,
					() => false,
				);
		};
		const store = pausedAtStart(cp, {
			// paused past its TTL: no renewal goes out meanwhile, and the lease lapses unclaimed
			atStart: async () => {
				hang = true;
				await sleep(300);
				clock.now += 60_000;
				hang = false;
				armed = true;
			},
			lease: (_name, call) =>
				hang
					? never()
					: call().then(async (answer) => {
							await takeOver();
							return answer;
						}),
		});
		const effects = { count: 0 };
		const graph = effectGraph(store, effects);
		await graph.run({ n: 0 }, { threadId: "t" }).catch(() => {});
		// never both: the effect run by this runner and the thread taken over from it before the effect
		expect({ effects: effects.count, otherTook }).not.toEqual({
			effects: 1,
			otherTook: true,
		});
		expect(effects.count + (otherTook ? 1 : 0)).toBe(1);
	});
});
