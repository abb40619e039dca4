import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteRecords, type ServerRecords, serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { multitaskCases } from "./fixtures/multitask-cases.ts";

let dir: string;
let path: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let records: ServerRecords;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-multitask-"));
	path = join(dir, "weft.db");
	checkpointer = new SqliteCheckpointer({ path });
	records = await openSqliteRecords(path);
	server = await serve({ graphs: { slow }, checkpointer, records, port: 0 });
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(async () => {
	await server.close();
	await records.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("multitask strategies in process (weft dev)", () => {
	it("enqueue runs the new run after the active one", () =>
		multitaskCases.enqueue(client));
	it("rollback cancels the active run, deletes its record, runs the new one", () =>
		multitaskCases.rollback(client));
	it("interrupt cancels the active run and runs the new one", () =>
		multitaskCases.interrupt(client));
	it("interrupt and rollback stop the active run and the run enqueued behind it", async () => {
		await multitaskCases.behindQueue(client, "interrupt");
		await multitaskCases.behindQueue(client, "rollback");
	});
	it("reject: of concurrent runs.create on one thread, exactly one is admitted", () =>
		multitaskCases.race([client, client, client], 5));
	it("interrupt and rollback: of concurrent runs.create on a busy thread, every one is admitted and one goes on", async () => {
		await multitaskCases.concurrentStop(
			[client, client, client],
			"interrupt",
			3,
		);
		await multitaskCases.concurrentStop(
			[client, client, client],
			"rollback",
			3,
		);
	});
	// outside check (6 Dec): a run cancelled while pending joined as {}, one cancelled while running as
	// the thread's values (what the docs say a cancelled run's join answers)
	it("a run cancelled while pending joins as the thread's values, as a run cancelled while running", async () => {
		const thread = await client.threads.create();
		await client.runs.wait(thread.thread_id, "slow", { input: { ms: 1 } });
		const active = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 60_000 },
		});
		const queued = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
			multitaskStrategy: "enqueue",
		});
		// its turn comes after the active run: it is cancelled before it ever starts
		await client.runs.cancel(thread.thread_id, queued.run_id);
		await client.runs.cancel(thread.thread_id, active.run_id, true);
		for (const run of [queued, active])
			expect(
				await client.runs.join(thread.thread_id, run.run_id),
			).toMatchObject({ done: true });
	});
});

describe("a thread another process runs (the CLI, say)", () => {
	it("is refused with 409 THREAD_BUSY naming that runner while its lease holds, and runs once it is released", async () => {
		const thread = await client.threads.create();
		// another process's runner on the same file: its own connection takes the thread's lease
		const other = new SqliteCheckpointer({ path });
		try {
			const lease = await other.acquireLease(thread.thread_id, {
				owner: "cli-runner-1",
				ttlMs: 60_000,
			});
			const refused = await client.runs
				.wait(thread.thread_id, "slow", { input: { ms: 1 } })
				.then(
					() => undefined,
					(e: unknown) => e,
				);
			expect(refused).toMatchObject({ status: 409 });
			expect(String(refused)).toContain("THREAD_BUSY");
			expect(String(refused)).toContain("cli-runner-1");
			await other.releaseLease(lease, "done");
			expect(
				await client.runs.wait(thread.thread_id, "slow", { input: { ms: 1 } }),
			).toMatchObject({ done: true });
		} finally {
			other.close();
		}
	});
});
