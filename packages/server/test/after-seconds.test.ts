import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteRecords, type ServerRecords, serve } from "../src/index.ts";
import { sleepUntil } from "../src/run-delay.ts";
import { afterSecondsCases } from "./fixtures/after-seconds-cases.ts";
import { slow } from "./fixtures/graphs.ts";

// `after_seconds` in process (`weft dev`, serve()): decision 0216

let dir: string;
let path: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let records: ServerRecords;
let client: Client;
let apiUrl: string;

const open = async () => {
	checkpointer = new SqliteCheckpointer({ path });
	records = await openSqliteRecords(path);
	server = await serve({ graphs: { slow }, checkpointer, records, port: 0 });
	apiUrl = `http://127.0.0.1:${server.port}`;
	client = new Client({ apiUrl });
};
const close = async () => {
	await server.close();
	await records.close();
	checkpointer.close();
};

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-after-seconds-"));
	path = join(dir, "weft.db");
	await open();
});
afterAll(async () => {
	await close();
	rmSync(dir, { recursive: true, force: true });
});

describe("after_seconds in process (weft dev)", () => {
	it("a delayed run is pending, the thread busy, until its time; then it runs", () =>
		afterSecondsCases.delayed(client));
	it("a delayed run cancelled while it waits never starts", () =>
		afterSecondsCases.cancel(client));
	it("multitask strategies beside a delayed run", () =>
		afterSecondsCases.multitask(client));
	it("runs.wait, runs.stream and stateless runs wait for their time", () =>
		afterSecondsCases.waitAndStream(client, apiUrl));
	it("a bad after_seconds is 422 VALIDATION_FAILED on every route that creates a run", () =>
		afterSecondsCases.validation(client, apiUrl));

	// as a run queued behind another: a restarted `weft dev` ends it, cancelled (docs/server.md)
	it("a delayed run does not outlive its server: after a restart it reads cancelled, and never runs", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
			afterSeconds: 1,
		});
		await close();
		await open();
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
		await new Promise((r) => setTimeout(r, 1500)); // past its time
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
		expect(
			await client.threads.getHistory(thread.thread_id, { limit: 5 }),
		).toEqual([]);
		// the thread takes a new run
		expect(
			await client.runs.wait(thread.thread_id, "slow", { input: { ms: 1 } }),
		).toMatchObject({ done: true });
	});
});

describe("sleepUntil", () => {
	it("waits past the longest timer Node holds by re-arming, and ends when its signal aborts", async () => {
		const stop = new AbortController();
		let woke = false;
		// 30 days ahead: one setTimeout of that length would fire at once
		void sleepUntil(Date.now() + 30 * 24 * 3600 * 1000, stop.signal).then(
			() => {
				woke = true;
			},
		);
		await new Promise((r) => setTimeout(r, 50));
		expect(woke).toBe(false);
		stop.abort();
		await new Promise((r) => setTimeout(r, 0));
		expect(woke).toBe(true);
		// a time passed: at once
		await sleepUntil(Date.now() - 1, new AbortController().signal);
	});
});
