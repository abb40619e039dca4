// A worker paused by SIGSTOP (a long GC pause, a frozen VM) while it runs a run, on `weft serve` + two
// `weft worker`s on Postgres: once the thread's lease lapsed, the other worker takes the run over (the
// sweep) and ends it; the paused worker, woken with SIGCONT while the other holds the run, commits
// nothing, writes no event into the run's stream and does not move the run's status. The run ends once:
// success, each step committed once, each committed effect once, the SDK's stream each update once.
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
const dir = mkdtempSync(join(tmpdir(), "weft-sigstop-"));
const effects = join(dir, "effects.txt");
const graphArgs = ["--graph", `steps=${workerGraphs}#steps`];
const STEPS = 10;

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
			"2",
			"--sweep-ms",
			"500",
		],
		/weft worker: ready/,
		{ WEFT_TEST_EFFECTS: effects },
	);

beforeAll(async () => {
	if (!available) return;
	writeFileSync(effects, "");
	db = await freshDatabase("weft_sigstop");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	workers.push(...(await Promise.all([startWorker(), startWorker()])));
	client = new Client({ apiUrl: api.match[1]! });
	checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
}, 60_000);

afterAll(async () => {
	if (!available) return;
	for (const w of workers) w.child.kill("SIGCONT");
	await checkpointer?.close();
	await Promise.all(workers.map((w) => w.stop()));
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Polls `check` until it gives a value; fails naming `what` after a generous deadline. */
async function until<T>(
	check: () => Promise<T | undefined>,
	what: string,
	ms = 40_000,
): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const found = await check();
		if (found !== undefined) return found;
		if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** The worker process holding the thread's lease (by the pid in the lease's owner), if any. */
async function holder(threadId: string): Promise<WeftProcess | undefined> {
	const info = await checkpointer.getThread(threadId);
	const pid = Number(info?.lease?.owner.split(":")[1]);
	return workers.find((w) => w.child.pid === pid);
}

async function committedStep(threadId: string): Promise<number> {
	const state = await client.threads.getState(threadId);
	return (state.values as { i?: number } | undefined)?.i ?? 0;
}

describe.skipIf(!available)(
	"weft serve + 2 workers: the worker running a run is SIGSTOPped, then woken",
	() => {
		it("the other worker takes the run over and ends it once; the woken worker changes nothing", async () => {
			const thread = await client.threads.create();
			const threadId = thread.thread_id;
			const run = await client.runs.create(threadId, "steps", {
				input: { n: STEPS },
				streamMode: ["updates"],
			});
			// the worker running it, past its second step
			const paused = await until(async () => {
				const w = await holder(threadId);
				return w !== undefined && (await committedStep(threadId)) >= 2
					? w
					: undefined;
			}, "a worker runs the run past step 2");
			paused.child.kill("SIGSTOP");
			const atStop = await committedStep(threadId);
			// its lease lapses; the other worker's sweep takes the run over and goes on from its last step
			const other = workers.find((w) => w !== paused)!;
			await until(
				async () => ((await holder(threadId)) === other ? true : undefined),
				"the other worker takes the run over",
			);
			// woken while the other holds the run: its step is refused by the fence
			paused.child.kill("SIGCONT");
			const ended = await client.runs.join(threadId, run.run_id);
			expect(ended).toMatchObject({ i: STEPS });
			// the woken worker is stopped (it waits for what it still runs): whatever it did is done by then
			await paused.stop();
			workers.splice(workers.indexOf(paused), 1);
			workers.push(await startWorker());

			expect((await client.runs.get(threadId, run.run_id)).status).toBe(
				"success",
			);
			expect(await committedStep(threadId)).toBe(STEPS);
			expect((await checkpointer.getThread(threadId))?.status).toBe("done");
			// no step committed twice, one branch
			const history = await client.threads.getHistory(threadId, {
				limit: 100,
			});
			const steps = history.map((h) => h.metadata?.step);
			expect(new Set(steps).size).toBe(steps.length);
			expect((await checkpointer.getThread(threadId))?.heads).toHaveLength(1);
			// each effect once; only the step in flight at the stop may have run its effect twice (the pause
			// may land between the effect and its saved result; the fixture's effect does not dedupe)
			const mine = effectCounts(effects).get(threadId) ?? new Map();
			expect([...mine.keys()].sort((a, b) => a - b)).toEqual(
				Array.from({ length: STEPS }, (_, i) => i),
			);
			for (const [i, n] of mine)
				if (i === atStop) expect(n, `effect ${i}`).toBeLessThanOrEqual(2);
				else expect(n, `effect ${i}`).toBe(1);
			// the SDK's stream: ids unique and in order, each step's update once, no event of the woken worker
			const ids: number[] = [];
			const updates: number[] = [];
			const events: string[] = [];
			for await (const p of client.runs.joinStream(threadId, run.run_id)) {
				const id = (p as { id?: string }).id;
				if (id !== undefined) ids.push(Number(id));
				events.push(p.event);
				if (p.event === "updates")
					updates.push((p.data as { step: { i: number } }).step.i);
			}
			expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
			expect(updates).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
			expect(events).not.toContain("error");
		}, 90_000);
	},
);
