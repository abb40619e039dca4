// A runner paused by SIGSTOP (a long GC pause, a frozen VM, a closed laptop lid) while it holds its
// thread's lease: mid-step (in node code), between two steps (right after a commit), and while an answer
// to the review is being run (a resume in flight). Its lease lapses, another process recovers the thread
// and pauses itself holding the new lease (or ends the thread); then the first is woken with SIGCONT.
// The woken runner is refused by the fence (LEASE_LOST) and changes nothing: no checkpoint or pending
// write, no effect, the thread's lease and status untouched. The new holder finishes the thread: the
// final state exact, each `ctx.once` effect once, the history one chain.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { afterAll, describe, expect, it } from "vitest";
import {
	chaosGraph,
	expectedEffects,
	expectedLog,
} from "../src/chaos-graph.ts";
import { duplicates, effectsOf, readJournal } from "../src/journal.ts";
import type { RetrieveJob } from "../src/retrieve-worker.ts";
import { spawnScript, spawnWorker } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { sleep, tally } from "../src/tally.ts";
import type { WorkerOutcome } from "../src/worker.ts";

const ROUNDS = 2;
/** What node code waits before its effect (a worker "c" twice as long): the pause lands in it. */
const DELAY = 400;
/** The paused runner's lease: short, so the test does not wait long for it to lapse. */
const LEASE_TTL = 1500;
const backends = await durableBackends("sigstop");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("sigstop");

type Pause = "mid-step" | "between-steps" | "at-answer";
/** When the paused runner is woken: while the new holder holds the lease, or after it ended the thread. */
type Wake = "while-held" | "after-end";
const CASES: [Pause, Wake][] = [
	["mid-step", "while-held"],
	["between-steps", "while-held"],
	["at-answer", "while-held"],
	["mid-step", "after-end"],
];

/** Waits (polling) until `check` holds; fails naming `what` after a generous deadline. */
async function until(
	check: () => boolean | Promise<boolean>,
	what: string,
	ms = 30_000,
): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
		await sleep(20);
	}
}

/** Whether a process is stopped (state T in /proc/<pid>/stat). */
function stopped(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T");
	} catch {
		return false;
	}
}

/** What the store holds of a thread: its checkpoints and the newest head's pending writes. */
async function stored(cp: Checkpointer, threadId: string) {
	const checkpoints: { id: string; parentId: string | null; step: number }[] =
		[];
	for await (const c of cp.list({ threadId }))
		checkpoints.push({
			id: c.checkpointId,
			parentId: c.parentId,
			step: c.step,
		});
	const head = await cp.getTuple({ threadId });
	return { checkpoints, pending: head?.pendingWrites ?? [] };
}

describe.concurrent.each(backends)(
	"a runner SIGSTOPped holding its lease, woken after another took over ($kind)",
	(backend: Backend) => {
		it.each(CASES)(
			"%s, woken %s: the woken runner is refused and changes nothing; the thread ends once",
			async (pause: Pause, wake: Wake) => {
				const store = backend.fresh();
				const journal = join(backend.dir, `${pause}-${wake}.txt`);
				const threadId = `sigstop-${pause}-${wake}`;
				const cp = await openStore(store);
				const graph = chaosGraph(cp, { journal, delayMs: 0 });
				const entered = (pid: number, key: string) =>
					readJournal(journal).some(
						(l) => l.kind === "enter" && l.pid === pid && l.key === key,
					);
				try {
					if (pause === "at-answer")
						expect(
							await graph.run({ rounds: ROUNDS }, { threadId }),
						).toMatchObject({ status: "interrupted" });
					// A: the runner that is paused. Mid-step: in round 1's node code (before any effect of "c");
					// between steps: after its third commit (round 1's workers due); at the answer: in the review's
					// node code, after the answer was taken and before its effect
					const a = spawnWorker({
						store,
						threadId,
						action: pause === "at-answer" ? "approve" : "start",
						journal,
						rounds: ROUNDS,
						delayMs: DELAY,
						leaseTtlMs: LEASE_TTL,
						...(pause === "between-steps" ? { pauseAfterPut: 3 } : {}),
					});
					const pidA = a.process.pid!;
					if (pause !== "between-steps") {
						const key =
							pause === "mid-step" ? `${threadId}|1|c` : `${threadId}|review`;
						await until(() => entered(pidA, key), `A enters ${key}`);
						process.kill(pidA, "SIGSTOP");
					}
					await until(() => stopped(pidA), "A stopped");
					const leaseA = (await cp.getThread(threadId))?.lease;
					expect(leaseA).not.toBeNull();
					// its lease lapses: the thread reads as stale
					await until(
						async () => (await cp.getThread(threadId))?.status === "stale",
						"the paused runner's lease lapses",
					);
					// B recovers the thread; woken while B holds the lease, B stops itself after its first commit
					const held = wake === "while-held";
					const b = spawnWorker({
						store,
						threadId,
						action: "recover",
						journal,
						rounds: ROUNDS,
						delayMs: DELAY,
						...(held ? { pauseAfterPut: 1 } : {}),
					});
					const pidB = b.process.pid!;
					let outB = held ? undefined : await b.done;
					if (held) {
						// B ending before it stops itself is a failure to show, not a wait to give up on
						let ended: { outcome: WorkerOutcome | undefined } | undefined;
						void b.done.then((outcome) => {
							ended = { outcome };
						});
						await until(
							() => stopped(pidB) || ended !== undefined,
							"B stopped after its first commit",
						);
						expect(ended, "B ended before its first commit").toBeUndefined();
					}
					const leaseB = (await cp.getThread(threadId))?.lease;
					if (held) {
						expect(leaseB?.token).toBeGreaterThan(leaseA!.token);
						expect(leaseB?.owner).not.toBe(leaseA!.owner);
					} else expect(leaseB).toBeNull();
					const before = await stored(cp, threadId);
					const statusBefore = (await cp.getThread(threadId))?.status;
					const journaled = readJournal(journal).length;

					// A wakes up: refused by the fence, it exits with a typed error and changes nothing
					process.kill(pidA, "SIGCONT");
					const outA = await a.done;
					expect(outA).toMatchObject({ error: "LEASE_LOST" });
					const woken = readJournal(journal).slice(journaled);
					expect(
						woken.filter((l) => l.pid === pidA && l.kind === "effect"),
					).toEqual([]);
					expect(await stored(cp, threadId)).toEqual(before);
					const after = await cp.getThread(threadId);
					expect(after?.lease ?? null).toEqual(leaseB ?? null);
					expect(after?.status).toBe(held ? "running" : "done");
					expect(statusBefore).toBe(after?.status);

					// B goes on and finishes the thread
					if (held) {
						process.kill(pidB, "SIGCONT");
						outB = await b.done;
					}
					expect(outB).toMatchObject({
						status: "done",
						values: { verdict: "approve", round: ROUNDS },
					});
					const state = await graph.getState({ threadId });
					expect(state.values).toMatchObject({
						log: expectedLog(ROUNDS),
						round: ROUNDS,
						verdict: "approve",
					});
					expect(state.next).toEqual([]);
					const effects = effectsOf(journal, threadId);
					expect(effects.repeated).toEqual([]);
					expect(effects.keys).toEqual(
						expectedEffects(threadId, ROUNDS, "approve"),
					);
					const thread = await cp.getThread(threadId);
					expect(thread).toMatchObject({ status: "done", lease: null });
					// one chain: one head, each checkpoint's parent the one before it, no step twice
					expect(thread?.heads).toHaveLength(1);
					const chain = (await stored(cp, threadId)).checkpoints.reverse();
					for (let i = 1; i < chain.length; i++) {
						expect(chain[i]!.parentId).toBe(chain[i - 1]!.id);
						expect(chain[i]!.step).toBe(chain[i - 1]!.step + 1);
					}
					counts.add(`${backend.kind}.paused`);
					counts.add(`${backend.kind}.refused`);
				} finally {
					await cp.close?.();
				}
			},
			60_000,
		);
	},
);

const retrieveWorker = (job: RetrieveJob) =>
	spawnScript<WorkerOutcome>("retrieve-worker", [JSON.stringify(job)], {
		timeoutMs: 60_000,
	});

// The LLM layer's model, tool and retrieval calls save their result without a start record (decision
// 0042): nothing the woken runner writes stands between its wake-up and such a call.
describe.concurrent.each(backends)(
	"a runner SIGSTOPped before a call without a start record (a retrieval), woken after another took over ($kind)",
	(backend: Backend) => {
		it("the woken runner makes no call: LEASE_LOST before it", async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "retrieve.txt");
			const threadId = "sigstop-retrieve";
			const cp = await openStore(store);
			const job: RetrieveJob = {
				store,
				threadId,
				action: "start",
				journal,
				steps: 3,
				delayMs: DELAY,
				leaseTtlMs: LEASE_TTL,
			};
			try {
				const a = retrieveWorker(job);
				const pidA = a.process.pid!;
				await until(
					() =>
						readJournal(journal).some(
							(l) => l.pid === pidA && l.key === `${threadId}|1|fetch`,
						),
					"A enters the second retrieval's node",
				);
				process.kill(pidA, "SIGSTOP");
				await until(() => stopped(pidA), "A stopped");
				await until(
					async () => (await cp.getThread(threadId))?.status === "stale",
					"the paused runner's lease lapses",
				);
				const b = retrieveWorker({
					...job,
					action: "recover",
					leaseTtlMs: undefined,
					pauseAfterPut: 1,
				});
				const pidB = b.process.pid!;
				await until(() => stopped(pidB), "B stopped after its first commit");
				const before = await stored(cp, threadId);
				const journaled = readJournal(journal).length;
				process.kill(pidA, "SIGCONT");
				expect(await a.done).toMatchObject({ error: "LEASE_LOST" });
				expect(
					readJournal(journal)
						.slice(journaled)
						.filter((l) => l.pid === pidA && l.kind === "effect"),
				).toEqual([]);
				expect(await stored(cp, threadId)).toEqual(before);
				process.kill(pidB, "SIGCONT");
				expect(await b.done).toMatchObject({
					status: "done",
					values: { i: 3 },
				});
				const lines = readJournal(journal);
				expect(duplicates(lines, "effect")).toEqual([]);
				expect(
					lines
						.filter((l) => l.kind === "effect")
						.map((l) => l.key)
						.sort(),
				).toEqual([0, 1, 2].map((i) => `${threadId}|${i}|fetch`));
				counts.add(`${backend.kind}.paused`);
				counts.add(`${backend.kind}.refused`);
			} finally {
				await cp.close?.();
			}
		});
	},
);
