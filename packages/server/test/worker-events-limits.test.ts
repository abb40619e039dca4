import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	openPostgresRecords,
	type ServerRecords,
	serve,
	startWorker,
	type WeftWorker,
} from "../src/index.ts";
import type { PostgresRecords } from "../src/records/postgres-records.ts";
import { review, slow } from "./fixtures/graphs.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let checkpointer: PostgresCheckpointer;
let apiRecords: ServerRecords;
let workerRecords: ServerRecords;
let server: Awaited<ReturnType<typeof serve>>;
let worker: WeftWorker;
let url: string;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("srvgaps_events");
	checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
	apiRecords = await openPostgresRecords(db.url);
	workerRecords = await openPostgresRecords(db.url);
	server = await serve({
		graphs: { review, slow },
		checkpointer,
		records: apiRecords,
		queue: true,
		port: 0,
	});
	worker = await startWorker({
		graphs: { review, slow },
		checkpointer,
		records: workerRecords as PostgresRecords,
		sweepMs: 100,
		// long enough for the reads after the run to come before the sweep on a loaded machine (300 ms was not)
		events: { maxPerRun: 3, ttlMs: 5000 },
		runTimeoutMs: 1500,
		shutdownGraceMs: 20_000,
	});
	url = `http://127.0.0.1:${server.port}`;
}, 30_000);

afterAll(async () => {
	if (!available) return;
	await worker?.close();
	await server?.close();
	await apiRecords?.close();
	await workerRecords?.close();
	await checkpointer?.close();
	await db?.drop();
}, 30_000);

const stream = (threadId: string, runId: string, lastEventId: string) =>
	fetch(`${url}/threads/${threadId}/runs/${runId}/stream`, {
		headers: { "Last-Event-ID": lastEventId },
	});

describe.skipIf(!available)("stored run events on Postgres", () => {
	it("keep the newest maxPerRun, replay after Last-Event-ID exactly once, expire ttlMs after the run (410 EVENTS_EXPIRED)", async () => {
		const client = new Client({
			apiUrl: url,
			callerOptions: { maxRetries: 0 },
		});
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "review", {
			input: { topic: "x" },
			streamMode: ["values", "updates", "custom"],
		});
		await client.runs.join(thread.thread_id, run.run_id);
		const ids: string[] = [];
		for await (const p of client.runs.joinStream(thread.thread_id, run.run_id))
			ids.push((p as { id?: string }).id ?? "");
		expect(ids).toHaveLength(3);
		const last = Number(ids[2]);
		expect(ids).toEqual([String(last - 2), String(last - 1), String(last)]);
		const after: string[] = [];
		for await (const p of client.runs.joinStream(thread.thread_id, run.run_id, {
			lastEventId: String(last - 2),
		}))
			after.push((p as { id?: string }).id ?? "");
		expect(after).toEqual([String(last - 1), String(last)]);
		const early = await stream(thread.thread_id, run.run_id, "1");
		expect(early.status).toBe(410);
		expect(await early.json()).toMatchObject({ code: "EVENTS_EXPIRED" });

		// swept by the worker once the run has ended ttlMs ago
		await waitFor(async () => {
			const r = await stream(thread.thread_id, run.run_id, String(last - 1));
			await r.body?.cancel();
			return r.status === 410;
		});
		// a client that had every event is not told anything expired: the stream just ends
		const caughtUp = await stream(thread.thread_id, run.run_id, String(last));
		expect(caughtUp.status).toBe(200);
		expect(await caughtUp.text()).not.toMatch(/^id:/m);
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"interrupted",
		);
	}, 30_000);
});

describe.skipIf(!available)("a worker's limits and graceful close", () => {
	it("stops a run past runTimeoutMs with status timeout", async () => {
		const client = new Client({ apiUrl: url });
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 60_000 },
		});
		await client.runs.join(thread.thread_id, run.run_id);
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"timeout",
		);
	}, 30_000);

	it("close() lets a run in flight finish within the grace, on the same attempt", async () => {
		const client = new Client({ apiUrl: url });
		const thread = await client.threads.create();
		// values only: a background run records every mode, more than this worker's cap of 3 events keeps
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 700 },
			streamMode: ["values"],
		});
		await waitFor(async () => worker.running === 1);
		await worker.close();
		expect(worker.running).toBe(0);
		// the API process learns the final status by NOTIFY
		expect(await client.runs.join(thread.thread_id, run.run_id)).toMatchObject({
			done: true,
		});
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"success",
		);
		const attempts: number[] = [];
		for await (const p of client.runs.joinStream(thread.thread_id, run.run_id))
			if (p.event === "metadata")
				attempts.push((p.data as { attempt: number }).attempt);
		expect(attempts).toEqual([1]);
	}, 30_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}
