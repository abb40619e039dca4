import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runChild } from "./child-process.ts";
import { durableGraph, expectedLog } from "./durable-graph.ts";
import { type Store, stores } from "./stores.ts";

const lines = (file: string) => {
	try {
		return readFileSync(file, "utf8").trim().split("\n").filter(Boolean);
	} catch {
		return [];
	}
};

describe.each(await stores())(
	"durability across processes ($name)",
	(store: Store) => {
		let dir: string;
		let location: string;
		beforeEach(async () => {
			dir = mkdtempSync(join(tmpdir(), "weft-durable-"));
			location = await store.create(dir);
		});
		afterEach(async () => {
			await store.drop(location);
			rmSync(dir, { recursive: true, force: true });
		});

		const graphOn = async () => {
			const checkpointer = await store.open(location);
			const graph = durableGraph(checkpointer, {
				runsFile: join(dir, "runs.txt"),
				effectsFile: join(dir, "effects.txt"),
				delayMs: 0,
				approval: true,
			});
			return {
				graph,
				close: () => checkpointer.close?.() ?? Promise.resolve(),
			};
		};

		it("survives SIGKILL at random points: same result, no checkpoint lost, no effect repeated", async () => {
			let action = "start";
			let kills = 0;
			let result: Record<string, unknown> | undefined;
			for (let attempt = 0; attempt < 40 && result === undefined; attempt++) {
				const child = runChild([store.name, location, "t", action, dir, "8"]);
				if (kills < 6) {
					await child.ready;
					setTimeout(
						() => child.process.kill("SIGKILL"),
						Math.floor(Math.random() * 60),
					);
				}
				result = await child.done;
				if (result === undefined) {
					kills++;
					// killed before its first checkpoint: start again; otherwise continue the thread
					const probe = await store.open(location);
					action =
						(await probe.getTuple({ threadId: "t" })) === undefined
							? "start"
							: "continue";
					await probe.close?.();
					// every checkpoint written so far reads back
					const { graph, close } = await graphOn();
					try {
						for await (const snapshot of graph.getStateHistory({
							threadId: "t",
						}))
							expect(snapshot.values.rounds).toBe(6);
					} catch (error) {
						if (!String(error).includes("no checkpoint")) throw error;
					} finally {
						await close();
					}
				}
			}
			expect(kills).toBeGreaterThan(0);
			expect(result).toMatchObject({ status: "interrupted" });
			const approved = await runChild([
				store.name,
				location,
				"t",
				"approve",
				dir,
			]).done;
			expect(approved).toMatchObject({
				status: "done",
				values: { verdict: "approve", round: 6 },
			});
			expect((approved!.values as { log: string[] }).log).toEqual(
				expectedLog(6),
			);
			const effects = lines(join(dir, "effects.txt"));
			expect(new Set(effects).size).toBe(effects.length);
			expect(effects.sort()).toEqual(
				expectedLog(6)
					.map((l) => `${l.slice(1)}:${l[0]}`)
					.sort(),
			);
		}, 120_000);

		it("does not re-run a node that finished in the step where the process was killed", async () => {
			const child = runChild([store.name, location, "t", "start", dir, "1500"]);
			await child.ready;
			const { graph, close } = await graphOn();
			try {
				// wait until "a" and "b" have saved their results while "c" (twice as slow) still runs: their
				// records read from the store (an effect's line comes before its record, by a moment that
				// grows with the machine's load)
				for (let i = 0; i < 2000; i++) {
					const runs = lines(join(dir, "runs.txt"));
					const effects = lines(join(dir, "effects.txt"));
					const saved =
						runs.length === 3 &&
						effects.includes("0:a") &&
						effects.includes("0:b")
							? (
									await graph.checkpointer!.getTuple({ threadId: "t" })
								)?.pendingWrites.filter((w) => w.kind === "done").length
							: 0;
					if (saved === 2) break;
					await new Promise((r) => setTimeout(r, 10));
				}
				child.process.kill("SIGKILL");
				expect(await child.done).toBeUndefined();
				expect(lines(join(dir, "effects.txt")).sort()).toEqual(["0:a", "0:b"]);
				const resumed = await runChild([
					store.name,
					location,
					"t",
					"continue",
					dir,
					"0",
				]).done;
				expect(resumed).toMatchObject({ status: "interrupted" });
				const round0 = lines(join(dir, "runs.txt")).filter((l) =>
					l.startsWith("0:"),
				);
				expect(round0.sort()).toEqual(["0:a", "0:b", "0:c", "0:c"]);
				expect((await graph.getState({ threadId: "t" })).values.log).toEqual(
					expectedLog(6),
				);
			} finally {
				await close();
			}
		}, 60_000);

		it("a pause spent by a run that goes on survives a SIGKILL right after its record: the next process goes on, each node once", async () => {
			const pause = { WEFT_PAUSE_BEFORE: "next" };
			const child = (action: string, env: Record<string, string> = {}) =>
				runChild([store.name, location, "t", action, dir, "0"], {
					...pause,
					...env,
				}).done;
			// round 0's workers ran; paused before `next`
			expect(await child("start")).toMatchObject({
				status: "interrupted",
				interrupts: [{ node: "next", when: "before" }],
			});
			// goes on past the pause: its record is stored, then the process dies before `next` commits
			expect(
				await child("continue", { WEFT_KILL_AFTER_SPENT_PAUSE: "1" }),
			).toBeUndefined();
			// a new process goes on from there: `next` runs (the spent pause is not asked again), round 1's
			// workers run, and it pauses before the next `next`
			const after = await child("continue");
			expect(after).toMatchObject({
				status: "interrupted",
				values: { round: 1 },
				interrupts: [{ node: "next", when: "before" }],
			});
			// on to the end: each pause before `next` is spent once, then the review is approved
			let last = after;
			for (let i = 0; i < 10 && last?.status === "interrupted"; i++) {
				const waiting = (last.interrupts as Array<{ node: string }>)[0]!.node;
				if (waiting === "review") break;
				last = await child("continue");
			}
			expect(last).toMatchObject({
				status: "interrupted",
				interrupts: [{ node: "review" }],
			});
			expect(await child("approve")).toMatchObject({
				status: "done",
				values: { verdict: "approve", round: 6 },
			});
			// every worker node ran once per round, each effect happened once
			const runs = lines(join(dir, "runs.txt"));
			expect(runs.length).toBe(new Set(runs).size);
			expect(runs).toHaveLength(18);
			const effects = lines(join(dir, "effects.txt"));
			expect(effects.sort()).toEqual([...runs].sort());
		}, 120_000);

		it("pauses in one process and is approved from another", async () => {
			const first = await runChild([
				store.name,
				location,
				"t",
				"start",
				dir,
				"0",
			]).done;
			expect(first).toMatchObject({
				status: "interrupted",
				interrupts: [{ node: "review", value: { human: "final-review" } }],
			});
			const second = await runChild([store.name, location, "t", "approve", dir])
				.done;
			expect(second).toMatchObject({
				status: "done",
				values: { verdict: "approve" },
			});
		}, 60_000);

		it("lets one of two processes running the same thread run it; the other gets THREAD_BUSY and runs nothing", async () => {
			const first = runChild([store.name, location, "t", "start", dir, "5000"]);
			await first.ready;
			for (let i = 0; i < 1000 && lines(join(dir, "runs.txt")).length < 3; i++)
				await new Promise((r) => setTimeout(r, 10));
			first.process.kill("SIGKILL");
			await first.done;
			// the killed process's lease lapses (400 ms); then two processes race without waiting
			await new Promise((r) => setTimeout(r, 600));
			const racers = [0, 1].map(() =>
				runChild([store.name, location, "t", "continue", dir, "400", "0"]),
			);
			const results = await Promise.all(racers.map((r) => r.done));
			const conflicts = results.filter((r) => r?.error === "THREAD_BUSY");
			const winners = results.filter((r) => r?.status === "interrupted");
			expect(conflicts).toHaveLength(1);
			expect(winners).toHaveLength(1);
			const { graph, close } = await graphOn();
			try {
				const parents = new Set<string>();
				for await (const s of graph.getStateHistory({ threadId: "t" })) {
					if (s.parentCheckpointId !== null) {
						expect(parents.has(s.parentCheckpointId)).toBe(false);
						parents.add(s.parentCheckpointId);
					}
				}
				expect((await graph.getState({ threadId: "t" })).values.log).toEqual(
					expectedLog(6),
				);
			} finally {
				await close();
			}
		}, 60_000);
	},
);
