// The agent users run, `createAgent({ model, tools, checkpointer, approve })` (agent-graph.ts: six model
// turns, parallel tool calls, gated calls answered one by one or by id), SIGKILLed at random points per
// durable backend; each next process goes on as a user would (agent-worker.ts): it answers the pending
// approval, else recovers the thread once it reads stale, until it is done. Checked from the journal
// and the store: the final messages are a valid conversation, a model call or tool effect that was saved
// (in a checkpoint or as the task's saved result) before a process started is never made again by it,
// the last answer sent to each approval is the one applied, once, and no checkpoint is lost.
// A call killed in flight (before its result was saved) may be made again: those are counted apart.
import { join } from "node:path";
import { threadUsage } from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import {
	agentGraph,
	TURNS,
	turnCalls,
	turnId,
	turnUsage,
} from "../src/agent-graph.ts";
import type { AgentJob, AgentOutcome } from "../src/agent-worker.ts";
import { readJournal } from "../src/journal.ts";
import { killAtRandom } from "../src/kill-at-random.ts";
import { type ChildRun, spawnScript } from "../src/spawn-worker.ts";
import { type Backend, durableBackends, openStore } from "../src/stores.ts";
import { tally } from "../src/tally.ts";

/** Kills start new threads for this long; the thread running then finishes without kills. */
const KILLING_MS = 45_000;
/** At most this many kills per thread, then it runs to its end. */
const KILLS_PER_THREAD = 12;
const LEASE_TTL_MS = 600;
const KILL_AT_RANDOM = { early: 0.15, earlyMs: 150, withinMs: 400 };
/** Workers started ahead of their turn (a start costs more than many lives). */
const AHEAD = 2;

const backends = await durableBackends("agentkill");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("agent-sigkill");

interface Saved {
	/** Model turns whose answer is saved. */
	models: Set<number>;
	/** Tool-call ids whose result is saved (a ToolMessage, also a rejection's). */
	tools: Set<string>;
}

interface Msg {
	id?: string;
	content: unknown;
	getType(): string;
	tool_calls?: Array<{
		id?: string;
		name: string;
		args: Record<string, unknown>;
	}>;
	tool_call_id?: string;
	status?: string;
}

describe.concurrent.each(backends)(
	"createAgent SIGKILLed at random points ($kind)",
	(backend: Backend) => {
		it("every thread ends valid: no saved call made again, each approval applied once, nothing lost", async () => {
			const store = backend.fresh();
			const journal = join(backend.dir, "agent-journal.txt");
			const job: AgentJob = {
				store,
				threadId: "unassigned",
				journal,
				delayMs: 30,
				leaseTtlMs: LEASE_TTL_MS,
				waitForLease: 20_000,
			};
			const spawn = () =>
				spawnScript<AgentOutcome>("agent-worker", [JSON.stringify(job)], {
					timeoutMs: 90_000,
				});
			const cp = await openStore(store);
			const agent = agentGraph(cp, { journal, delayMs: 0 });

			/** What the store holds for the thread: its state and the newest checkpoint's saved results. */
			const saved = async (threadId: string): Promise<Saved> => {
				const out: Saved = { models: new Set(), tools: new Set() };
				const tuple = await cp.getTuple({ threadId });
				if (tuple === undefined) return out;
				const state = await agent.getState({ threadId });
				for (const m of state.values.messages as unknown as Msg[]) {
					const k = turnOf(threadId, m.id);
					if (m.getType() === "ai" && k !== undefined) out.models.add(k);
					if (m.getType() === "tool") out.tools.add(m.tool_call_id!);
				}
				for (const w of tuple.pendingWrites) {
					if (w.kind !== "once") continue;
					if (w.key === "model") {
						const k = turnOf(threadId, (w.value as Msg).id);
						if (k !== undefined) out.models.add(k);
					} else if (w.key.startsWith("tool:"))
						out.tools.add(w.key.slice("tool:".length));
				}
				return out;
			};

			const started = Date.now();
			let kills = 0;
			let busy = 0;
			let thread = 0;
			const finished: string[] = [];
			/** What was saved when each process was released, by pid. */
			const savedAt = new Map<number, Saved>();
			const killed = new Set<number>();
			const ahead: ChildRun<AgentOutcome>[] = [];
			for (let i = 0; i < AHEAD; i++) ahead.push(spawn());
			try {
				while (Date.now() - started < KILLING_MS || finished.length === 0) {
					const threadId = `a${thread}`;
					const seen = new Set<string>();
					let threadKills = 0;
					let done = false;
					for (let life = 0; life < 80 && !done; life++) {
						const child = ahead.shift()!;
						ahead.push(spawn());
						await child.ready;
						savedAt.set(child.process.pid!, await saved(threadId));
						child.go(threadId);
						const stopKill =
							threadKills < KILLS_PER_THREAD &&
							Date.now() - started < KILLING_MS
								? killAtRandom(child, journal, KILL_AT_RANDOM)
								: () => {};
						const out = await child.done;
						stopKill();
						if (out === undefined) {
							kills++;
							threadKills++;
							killed.add(child.process.pid!);
							// every checkpoint seen before is still there, and the newest reads
							const ids = new Set<string>();
							for await (const c of cp.list({ threadId }))
								ids.add(c.checkpointId);
							for (const id of seen)
								expect(ids.has(id), `checkpoint ${id} lost`).toBe(true);
							for (const id of ids) seen.add(id);
							if (ids.size > 0) await agent.getState({ threadId });
							continue;
						}
						// a heartbeat late on a busy machine loses the lease: a typed end, the next life goes on
						if (out.error === "THREAD_BUSY" || out.error === "LEASE_LOST") {
							busy++;
							continue;
						}
						expect(out.error, out.message).toBeUndefined();
						done = out.status === "done";
					}
					expect(done, `thread ${threadId} never finished`).toBe(true);
					const c = await checkThread(threadId);
					counts.add(`${backend.kind}.modelReruns`, c.modelReruns);
					counts.add(`${backend.kind}.effectReruns`, c.effectReruns);
					counts.add(`${backend.kind}.reanswers`, c.reanswers);
					for (const d of c.decisions) counts.add(`${backend.kind}.${d}`);
					expect((await cp.getThread(threadId))?.status).toBe("done");
					finished.push(threadId);
					thread++;
				}
			} finally {
				for (const child of ahead) child.process.kill("SIGKILL");
				await Promise.all(ahead.map((c) => c.done.catch(() => undefined)));
				await cp.close?.();
				counts.add(`${backend.kind}.kills`, kills);
				// where the kills landed: the last line each killed process journaled
				const last = new Map<number, string>();
				for (const l of readJournal(journal))
					if (killed.has(l.pid)) last.set(l.pid, l.kind);
				for (const pid of killed)
					counts.add(
						`${backend.kind}.killedAfter.${last.get(pid) ?? "nothing"}`,
					);
				counts.add(`${backend.kind}.threads`, finished.length);
				counts.add(`${backend.kind}.busyRetries`, busy);
			}
			expect(kills).toBeGreaterThan(0);

			/** The checks of a finished thread; returns its counts. */
			async function checkThread(threadId: string) {
				const state = await agent.getState({ threadId });
				const list = state.values.messages as unknown as Msg[];
				// a valid conversation: the human message, then each turn's AI message followed by one
				// ToolMessage per tool call, the last AI message an answer without calls
				expect(list[0]!.getType()).toBe("human");
				const ai = list.filter((m) => m.getType() === "ai");
				expect(ai.map((m) => m.id)).toEqual(
					Array.from({ length: TURNS }, (_, k) => turnId(threadId, k)),
				);
				const ids = list.map((m) => m.id).filter((id) => id !== undefined);
				expect(new Set(ids).size, "duplicate message ids").toBe(ids.length);
				let i = 1;
				for (let k = 0; k < TURNS; k++) {
					const m = list[i++]!;
					expect(m.id).toBe(turnId(threadId, k));
					const calls = turnCalls(threadId, k);
					expect((m.tool_calls ?? []).map((c) => c.id)).toEqual(
						calls.map((c) => c.id),
					);
					const answers = list.slice(i, i + calls.length);
					expect(answers.map((a) => a.getType())).toEqual(
						calls.map(() => "tool"),
					);
					expect(answers.map((a) => a.tool_call_id).sort()).toEqual(
						calls.map((c) => c.id).sort(),
					);
					i += calls.length;
				}
				expect(i).toBe(list.length);
				expect(list.at(-1)!.content).toBe(`done after ${TURNS - 1} turns`);

				const lines = readJournal(journal).filter((l) =>
					l.key.startsWith(`${threadId}|`),
				);
				// a model call or tool effect saved before a process started is never made by it; more
				// than one of a key only when the earlier makers were killed (in flight)
				let modelReruns = 0;
				let effectReruns = 0;
				const byKey = new Map<string, number[]>();
				for (const l of lines) {
					if (l.kind !== "model" && l.kind !== "effect") continue;
					const [, what] = l.key.split("|");
					const before = savedAt.get(l.pid);
					expect(
						before,
						`journal line of an unknown process ${l.pid}`,
					).toBeDefined();
					if (l.kind === "model")
						expect(
							before!.models.has(Number(what!.slice(1))),
							`model turn ${what} saved, made again by ${l.pid}`,
						).toBe(false);
					else
						expect(
							before!.tools.has(what!),
							`tool call ${what} saved, run again by ${l.pid}`,
						).toBe(false);
					const key = `${l.kind}|${what}`;
					byKey.set(key, [...(byKey.get(key) ?? []), l.pid]);
				}
				for (const [key, pids] of byKey) {
					for (const pid of pids.slice(0, -1))
						expect(
							killed.has(pid),
							`${key} made again after ${pid}, which was not killed`,
						).toBe(true);
					if (key.startsWith("model|")) modelReruns += pids.length - 1;
					else effectReruns += pids.length - 1;
				}
				for (let k = 0; k < TURNS; k++)
					expect(byKey.has(`model|m${k}`), `turn ${k} never called`).toBe(true);
				// the thread's usage counts each turn's saved answer once: not lost with a killed step, not
				// counted again by the process that took the answer up (decisions 0205, 0206)
				const usage = await threadUsage(cp, threadId);
				let input = 0;
				for (let k = 0; k < TURNS; k++) input += turnUsage(k).input;
				expect({
					input: usage.inputTokens,
					output: usage.outputTokens,
				}).toEqual({ input, output: TURNS });

				// each gated call: the last answer sent decides it, applied once
				const answers = lines.filter((l) => l.kind === "answer");
				let reanswers = 0;
				const perInterrupt = new Map<string, number>();
				for (const a of answers) {
					const id = a.key.split("|")[1]!;
					perInterrupt.set(id, (perInterrupt.get(id) ?? 0) + 1);
				}
				for (const n of perInterrupt.values()) reanswers += n - 1;
				expect(perInterrupt.size).toBe(3);
				const decisions: string[] = [];
				for (let k = 0; k < TURNS; k++)
					for (const call of turnCalls(threadId, k)) {
						const effects = lines
							.filter((l) => l.kind === "effect")
							.map((l) => l.key.split("|"))
							.filter(([, id]) => id === call.id)
							.map(([, , what]) => what);
						const answer = list.find((m) => m.tool_call_id === call.id)!;
						if (call.name === "lookup") {
							expect(answer.status).not.toBe("error");
							expect(new Set(effects)).toEqual(new Set([call.args.name]));
							continue;
						}
						const last = answers
							.map(
								(a) =>
									JSON.parse(a.key.split("|").slice(2).join("|")) as Record<
										string,
										{ action: string; args?: { body: string } }
									>,
							)
							.filter((byId) => byId[call.id] !== undefined)
							.at(-1)?.[call.id];
						expect(last, `no answer for ${call.id}`).toBeDefined();
						decisions.push(last!.action);
						const asked = list
							.find((m) => m.id === turnId(threadId, k))!
							.tool_calls!.find((c) => c.id === call.id)!;
						if (last!.action === "reject") {
							expect(answer.status).toBe("error");
							expect(String(answer.content)).toContain("rejected");
							expect(effects).toEqual([]);
							continue;
						}
						const body =
							last!.action === "edit" ? last!.args!.body : call.args.body;
						expect(asked.args.body).toBe(body);
						expect(answer.status).not.toBe("error");
						expect(effects.length).toBeGreaterThan(0);
						expect(new Set(effects)).toEqual(
							new Set([`${call.args.to} ${body}`]),
						);
					}
				return { modelReruns, effectReruns, reanswers, decisions };
			}
		}, 600_000);
	},
);

function turnOf(threadId: string, id: string | undefined): number | undefined {
	const m = /_m(\d+)$/.exec(id ?? "");
	return m !== null && id === turnId(threadId, Number(m[1]))
		? Number(m[1])
		: undefined;
}
