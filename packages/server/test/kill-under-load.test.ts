import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectCounts } from "./fixtures/effects.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const workerGraphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "weft-kill-load-"));
const effects = join(dir, "effects.txt");
const graphArgs = ["--graph", `steps=${workerGraphs}#steps`];
const CLIENTS = 12;
const RUNS_PER_CLIENT = 2;
const STEPS = 6;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
const workers: WeftProcess[] = [];
let client: Client;
let checkpointer: PostgresCheckpointer;

const startWorker = () =>
	startProcess(
		[
			"worker",
			"--postgres",
			db.url,
			...graphArgs,
			"--concurrency",
			"4",
			"--sweep-ms",
			"500",
		],
		/weft worker: ready/,
		{ WEFT_TEST_EFFECTS: effects },
	);

beforeAll(async () => {
	if (!available) return;
	writeFileSync(effects, "");
	db = await freshDatabase("srvbench_kill");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	workers.push(
		...(await Promise.all([startWorker(), startWorker(), startWorker()])),
	);
	client = new Client({ apiUrl: api.match[1]! });
	checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await checkpointer?.close();
	await Promise.all(workers.map((w) => w.stop()));
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

interface Started {
	threadId: string;
	runId: string;
}

describe.skipIf(!available)(
	"weft serve + 3 workers under load from SDK clients, workers SIGKILLed mid-run",
	() => {
		it("loses no run, commits no step twice, repeats no committed effect, loses or duplicates no event", async () => {
			const started: Started[] = [];
			const threads = new Set<string>();
			// each client: its runs one after the other, each on a new thread, waited with runs.join
			const load = Promise.all(
				Array.from({ length: CLIENTS }, async () => {
					for (let r = 0; r < RUNS_PER_CLIENT; r++) {
						const thread = await client.threads.create();
						threads.add(thread.thread_id);
						const run = await client.runs.create(thread.thread_id, "steps", {
							input: { n: STEPS },
							streamMode: ["updates"],
						});
						started.push({ threadId: thread.thread_id, runId: run.run_id });
						await client.runs.join(thread.thread_id, run.run_id);
					}
				}),
			);
			let loaded = false;
			const settled = () => {
				loaded = true;
			};
			load.then(settled, settled);
			// per thread, the steps committed when a worker died: the one after it may run its effect twice
			const inFlightAtKill = new Map<string, Set<number>>();
			// kills a worker holding a run past `minStep`; none once every run has ended (a slow machine can
			// finish the load before a second run gets that far: that kill is skipped, not waited for)
			const kill = async (minStep: number): Promise<void> => {
				const victim = await waitFor(async () => {
					if (loaded) return null;
					for (const threadId of threads) {
						const info = await checkpointer.getThread(threadId);
						const pid = Number(info?.lease?.owner.split(":")[1]);
						const i = await committedStep(threadId);
						const w = workers.find((w) => w.child.pid === pid);
						if (w !== undefined && i >= minStep && i < STEPS) return w;
					}
					return undefined;
				});
				if (victim === null) return;
				await victim.stop("SIGKILL");
				workers.splice(workers.indexOf(victim), 1);
				for (const threadId of threads) {
					const set = inFlightAtKill.get(threadId) ?? new Set<number>();
					set.add(await committedStep(threadId));
					inFlightAtKill.set(threadId, set);
				}
				workers.push(await startWorker());
			};
			await kill(1);
			await kill(3);
			await load;

			expect(started).toHaveLength(CLIENTS * RUNS_PER_CLIENT);
			const counts = effectCounts(effects);
			let takenOver = 0;
			for (const { threadId, runId } of started) {
				// no run lost: every one ended in success with all its steps
				expect((await client.runs.get(threadId, runId)).status).toBe("success");
				expect(await committedStep(threadId)).toBe(STEPS);
				// no step committed twice
				const history = await client.threads.getHistory(threadId, {
					limit: 100,
				});
				const steps = history.map((h) => h.metadata?.step);
				expect(new Set(steps).size).toBe(steps.length);
				// every effect ran; one repeats only if its step was in flight when its worker died
				const mine = counts.get(threadId) ?? new Map<number, number>();
				expect([...mine.keys()].sort((a, b) => a - b)).toEqual(
					Array.from({ length: STEPS }, (_, i) => i),
				);
				for (const [i, n] of mine)
					if (inFlightAtKill.get(threadId)?.has(i) === true)
						expect(n, `effect ${i} of ${threadId}`).toBeLessThanOrEqual(2);
					else expect(n, `effect ${i} of ${threadId}`).toBe(1);
				// the stream: ids unique and in order, each step's update once
				const ids: number[] = [];
				const updates: number[] = [];
				let attempts = 0;
				for await (const p of client.runs.joinStream(threadId, runId)) {
					const id = (p as { id?: string }).id;
					if (id !== undefined) ids.push(Number(id));
					if (p.event === "metadata") attempts++;
					if (p.event === "updates")
						updates.push((p.data as { step: { i: number } }).step.i);
				}
				expect(ids.length).toBeGreaterThan(STEPS);
				expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
				// each step's update once and in order, also where a worker died between a step's commit and its
				// events (the next attempt sends what the stream misses)
				expect(updates).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
				if (attempts > 1) takenOver++;
			}
			// the kills hit runs in flight: at least one run was taken over by another worker
			expect(takenOver).toBeGreaterThan(0);
		}, 90_000);
	},
);

async function committedStep(threadId: string): Promise<number> {
	const state = await client.threads.getState(threadId);
	return (state.values as { i?: number } | undefined)?.i ?? 0;
}

async function waitFor<T>(check: () => Promise<T | undefined>): Promise<T> {
	for (let i = 0; i < 400; i++) {
		const found = await check();
		if (found !== undefined) return found;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}
