import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectCounts } from "./fixtures/effects.ts";
import { multitaskCases } from "./fixtures/multitask-cases.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const workerGraphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "weft-workers-"));
const effects = join(dir, "effects.txt");
const graphArgs = [
	"--graph",
	`review=${graphs}#review`,
	"--graph",
	`slow=${graphs}#slow`,
	"--graph",
	`steps=${workerGraphs}#steps`,
];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
const workers: WeftProcess[] = [];
let client: Client;

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
	db = await freshDatabase("weft_workers");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	// the API created the schemas: the workers start together
	workers.push(
		...(await Promise.all([startWorker(), startWorker(), startWorker()])),
	);
	client = new Client({ apiUrl: api.match[1]! });
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(workers.map((w) => w.stop()));
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!available)(
	"weft serve + 3 weft worker processes on Postgres",
	() => {
		it("runs on a worker to a human checkpoint, holds nothing while waiting, resumes", async () => {
			const thread = await client.threads.create({ metadata: { team: "a" } });
			const paused = (await client.runs.wait(thread.thread_id, "review", {
				input: { topic: "tea" },
			})) as any;
			expect(paused.__interrupt__[0].value).toEqual({ question: "approve?" });
			expect((await client.threads.get(thread.thread_id)).status).toBe(
				"interrupted",
			);
			const events: string[] = [];
			for await (const p of client.runs.stream(thread.thread_id, "review", {
				command: { resume: "yes" },
				streamMode: ["updates"],
			}))
				events.push(p.event);
			expect(events).toEqual(["metadata", "updates"]);
			const state = await client.threads.getState(thread.thread_id);
			expect(state.values).toMatchObject({ approved: true });
			const runs = await client.runs.list(thread.thread_id);
			expect(runs.map((r) => r.status)).toEqual(["success", "interrupted"]);
			// a second run on a busy thread: rejected while the first is queued or running
			const slowThread = await client.threads.create();
			const slow = await client.runs.create(slowThread.thread_id, "slow", {
				input: { ms: 60_000 },
			});
			await expect(
				client.runs.create(slowThread.thread_id, "slow", { input: { ms: 1 } }),
			).rejects.toThrow();
			// cancel from the API reaches the worker's ctx.signal
			await waitFor(
				async () =>
					(await client.runs.get(slowThread.thread_id, slow.run_id)).status ===
					"running",
			);
			await client.runs.cancel(slowThread.thread_id, slow.run_id, true);
			expect(
				(await client.runs.get(slowThread.thread_id, slow.run_id)).status,
			).toBe("cancelled");
		}, 40_000);

		it("enqueue and rollback across workers", async () => {
			await multitaskCases.enqueue(client);
			await multitaskCases.rollback(client);
		}, 30_000);

		it("a SIGKILLed worker's run is taken over from its last checkpoint: no step, no effect twice", async () => {
			const thread = await client.threads.create();
			const run = await client.runs.create(thread.thread_id, "steps", {
				input: { n: 8 },
			});
			const checkpointer = await PostgresCheckpointer.connect({
				connectionString: db.url,
			});
			try {
				let owner = "";
				await waitFor(async () => {
					const info = await checkpointer.getThread(thread.thread_id);
					const i = (await client.threads.getState(thread.thread_id))
						.values as {
						i?: number;
					};
					owner = info?.lease?.owner ?? "";
					return (i?.i ?? 0) >= 2 && owner !== "";
				});
				const pid = Number(owner.split(":")[1]);
				const victim = workers.find((w) => w.child.pid === pid)!;
				expect(victim).toBeDefined();
				await victim.stop("SIGKILL");
				const committed = (
					(await client.threads.getState(thread.thread_id)).values as {
						i: number;
					}
				).i;
				workers.splice(workers.indexOf(victim), 1);

				const final = (await client.runs.join(
					thread.thread_id,
					run.run_id,
				)) as {
					i: number;
				};
				expect(final.i).toBe(8);
				expect(
					(await client.runs.get(thread.thread_id, run.run_id)).status,
				).toBe("success");
				const history = await client.threads.getHistory(thread.thread_id, {
					limit: 100,
				});
				const steps = history.map((h) => h.metadata?.step);
				expect(new Set(steps).size).toBe(steps.length);
				const counts =
					effectCounts(effects).get(thread.thread_id) ??
					new Map<number, number>();
				expect([...counts.keys()].sort((a, b) => a - b)).toEqual([
					0, 1, 2, 3, 4, 5, 6, 7,
				]);
				for (let i = 0; i < committed; i++) expect(counts.get(i)).toBe(1);
				// the run was taken over: the stream shows a second attempt
				const attempts: number[] = [];
				for await (const p of client.runs.joinStream(
					thread.thread_id,
					run.run_id,
				))
					if (p.event === "metadata")
						attempts.push((p.data as { attempt: number }).attempt);
				expect(attempts).toEqual([1, 2]);
			} finally {
				await checkpointer.close();
			}
		}, 50_000);
	},
);

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}
