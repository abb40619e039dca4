import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectCounts } from "./fixtures/effects.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const fixture = (name: string) =>
	fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "srvgaps-shutdown-"));
const effects = join(dir, "effects.txt");
const graphArgs = [
	"--graph",
	`slow=${fixture("graphs.ts")}#slow`,
	"--graph",
	`memo=${fixture("memory-graph.ts")}#memo`,
	"--graph",
	`steps=${fixture("worker-graphs.ts")}#steps`,
];
const TOKENS = { WEFT_API_TOKENS: "ada:tok-a,bob:tok-b" };
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
const workers: WeftProcess[] = [];
let ada: Client;
let bob: Client;

// a long sweep: a run that moves to another worker here was handed over, not found by the lease sweep
const startWorker = () =>
	startProcess(
		[
			"worker",
			"--postgres",
			db.url,
			...graphArgs,
			"--concurrency",
			"1",
			"--sweep-ms",
			"600000",
			"--shutdown-grace",
			"300ms",
		],
		/weft worker: ready/,
		{ WEFT_TEST_EFFECTS: effects },
	);

const as = (token: string) =>
	new Client({
		apiUrl: api.match[1]!,
		defaultHeaders: { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});

beforeAll(async () => {
	if (!available) return;
	writeFileSync(effects, "");
	db = await freshDatabase("srvgaps_shutdown");
	api = await startProcess(
		[
			"serve",
			"--postgres",
			db.url,
			...graphArgs,
			"--port",
			"0",
			"--auth",
			"--shutdown-grace",
			"300ms",
		],
		/listening on (http:\/\/[^\s]+)/,
		TOKENS,
	);
	workers.push(...(await Promise.all([startWorker(), startWorker()])));
	ada = as("tok-a");
	bob = as("tok-b");
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(workers.map((w) => w.stop()));
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!available)("weft worker: store, limits, SIGTERM", () => {
	it("runs on a worker get the caller's own /store store as ctx.store", async () => {
		const a = await ada.threads.create();
		const b = await bob.threads.create();
		expect(
			await ada.runs.wait(a.thread_id, "memo", { input: { topic: "tea" } }),
		).toMatchObject({ recalled: ["tea"] });
		expect(
			await bob.runs.wait(b.thread_id, "memo", { input: { topic: "coffee" } }),
		).toMatchObject({ recalled: ["coffee"] });
		const mine = await ada.store.searchItems(["notes"]);
		expect(mine.items.map((i) => i.key)).toEqual(["tea"]);
		expect(await bob.store.getItem(["notes"], "coffee")).toMatchObject({
			value: { text: "about coffee" },
		});
		expect(await bob.store.getItem(["notes"], "tea")).toBeNull();
	}, 30_000);

	it("a worker runs at most --concurrency runs at once (2 workers × 1)", async () => {
		const threads = await Promise.all(
			[1, 2, 3].map(() => ada.threads.create()),
		);
		const runs = await Promise.all(
			threads.map((t) =>
				ada.runs.create(t.thread_id, "slow", { input: { ms: 1500 } }),
			),
		);
		// read in one statement from the runs' rows, which the workers write: the API's view of them
		// follows notifications, each refreshed on its own, so for a moment it can show a run that has
		// ended as running beside the one its worker took next (3 "running" were seen that way)
		const rows = new pg.Client({ connectionString: db.url });
		await rows.connect();
		let most = 0;
		try {
			for (;;) {
				const statuses = (
					await rows.query<{ status: string }>(
						"SELECT status FROM weft_server.runs WHERE run_id = ANY($1)",
						[runs.map((r) => r.run_id)],
					)
				).rows.map((r) => r.status);
				most = Math.max(most, statuses.filter((s) => s === "running").length);
				if (statuses.every((s) => s === "success")) break;
				expect(
					statuses.every((s) => ["pending", "running", "success"].includes(s)),
				).toBe(true);
				await new Promise((r) => setTimeout(r, 50));
			}
		} finally {
			await rows.end();
		}
		expect(most).toBeLessThanOrEqual(2);
		expect(most).toBeGreaterThan(0);
		// and the API reads every run as ended, once its view has caught up (join waits for that)
		for (const r of runs) {
			await ada.runs.join(r.thread_id, r.run_id);
			expect((await ada.runs.get(r.thread_id, r.run_id)).status).toBe(
				"success",
			);
		}
	}, 30_000);

	it("SIGTERM mid-run past the grace: the run is handed over and finishes on the other worker, no step twice; the worker exits 0", async () => {
		const thread = await ada.threads.create();
		const run = await ada.runs.create(thread.thread_id, "steps", {
			input: { n: 8 },
		});
		const checkpointer = await PostgresCheckpointer.connect({
			connectionString: db.url,
		});
		try {
			let owner = "";
			await waitFor(async () => {
				const info = await checkpointer.getThread(thread.thread_id);
				const i = (
					(await ada.threads.getState(thread.thread_id)).values as {
						i?: number;
					}
				).i;
				owner = info?.lease?.owner ?? "";
				return (i ?? 0) >= 2 && owner !== "";
			});
			const pid = Number(owner.split(":")[1]);
			const victim = workers.find((w) => w.child.pid === pid)!;
			expect(victim).toBeDefined();
			expect(await victim.stop("SIGTERM")).toBe(0);
			expect(victim.output()).toMatch(/stopping \(1 run in flight/);
			workers.splice(workers.indexOf(victim), 1);
			const committed = (
				(await ada.threads.getState(thread.thread_id)).values as { i: number }
			).i;
			expect(committed).toBeLessThan(8);

			const final = (await ada.runs.join(thread.thread_id, run.run_id)) as {
				i: number;
			};
			expect(final.i).toBe(8);
			expect((await ada.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"success",
			);
			const history = await ada.threads.getHistory(thread.thread_id, {
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
			const attempts: number[] = [];
			for await (const p of ada.runs.joinStream(thread.thread_id, run.run_id))
				if (p.event === "metadata")
					attempts.push((p.data as { attempt: number }).attempt);
			expect(attempts).toEqual([1, 2]);
			// the other worker holds the lease no more, and the run was not found by the sweep
			expect(
				(await checkpointer.getThread(thread.thread_id))?.lease ?? null,
			).toBeNull();
		} finally {
			await checkpointer.close();
		}
	}, 60_000);

	it("SIGTERM to weft serve with a stream open: the stream is ended after the grace, the process exits 0", async () => {
		const thread = await ada.threads.create();
		const events: string[] = [];
		const streaming = (async () => {
			try {
				for await (const p of ada.runs.stream(thread.thread_id, "slow", {
					input: { ms: 60_000 },
					streamMode: ["custom"],
				}))
					events.push(p.event);
			} catch {
				// the connection was closed by the stopping server
			}
		})();
		await waitFor(async () => events.includes("custom"));
		expect(await api.stop("SIGTERM")).toBe(0);
		await streaming;
		expect(events.slice(0, 2)).toEqual(["metadata", "custom"]);
	}, 60_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}
