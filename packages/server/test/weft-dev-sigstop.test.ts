// `weft dev` (SQLite) SIGSTOPped mid-run until its run's lease has lapsed (the thread reads `stale`), then
// woken with SIGCONT: nobody took the thread over, so its run goes on under the same lease and ends once
// (each step committed once, each effect once, the stream's updates once each), and it goes on serving.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectCounts } from "./fixtures/effects.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const workerGraphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const STEPS = 8;
let dir: string;
let effects: string;
let server: ServerProcess | undefined;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-dev-sigstop-"));
	effects = join(dir, "effects.txt");
	writeFileSync(effects, "");
	server = await startWeft(
		[
			"--db",
			join(dir, "weft.db"),
			"dev",
			"--graph",
			`steps=${workerGraphs}#steps`,
			"--port",
			"0",
		],
		{ WEFT_TEST_EFFECTS: effects },
	);
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
}, 60_000);
afterAll(async () => {
	server?.child.kill("SIGCONT");
	await checkpointer?.close();
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

async function until(
	check: () => Promise<boolean>,
	what: string,
	ms = 30_000,
): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe("weft dev SIGSTOPped mid-run, then woken", () => {
	it("its run goes on and ends once, and it goes on serving", async () => {
		const client = new Client({ apiUrl: server!.url });
		const thread = await client.threads.create();
		const threadId = thread.thread_id;
		const run = await client.runs.create(threadId, "steps", {
			input: { n: STEPS },
			streamMode: ["updates"],
		});
		const step = async () =>
			((await client.threads.getState(threadId)).values as { i?: number }).i ??
			0;
		await until(async () => (await step()) >= 2, "the run is past step 2");
		server!.child.kill("SIGSTOP");
		// paused past its lease: the thread reads stale in the file
		await until(
			async () => (await checkpointer.getThread(threadId))?.status === "stale",
			"the paused run's lease lapses",
		);
		server!.child.kill("SIGCONT");

		expect(await client.runs.join(threadId, run.run_id)).toMatchObject({
			i: STEPS,
		});
		expect((await client.runs.get(threadId, run.run_id)).status).toBe(
			"success",
		);
		expect(await checkpointer.getThread(threadId)).toMatchObject({
			status: "done",
			lease: null,
		});
		const history = await client.threads.getHistory(threadId, { limit: 100 });
		const steps = history.map((h) => h.metadata?.step);
		expect(new Set(steps).size).toBe(steps.length);
		expect((await checkpointer.getThread(threadId))?.heads).toHaveLength(1);
		const mine = effectCounts(effects).get(threadId) ?? new Map();
		expect([...mine].sort(([a], [b]) => a - b)).toEqual(
			Array.from({ length: STEPS }, (_, i) => [i, 1]),
		);
		const updates: number[] = [];
		const events: string[] = [];
		for await (const p of client.runs.joinStream(threadId, run.run_id)) {
			events.push(p.event);
			if (p.event === "updates")
				updates.push((p.data as { step: { i: number } }).step.i);
		}
		expect(updates).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
		expect(events).not.toContain("error");

		// it goes on serving: a new run on a new thread
		const next = await client.threads.create();
		expect(
			await client.runs.wait(next.thread_id, "steps", { input: { n: 2 } }),
		).toMatchObject({ i: 2 });
	}, 60_000);
});
