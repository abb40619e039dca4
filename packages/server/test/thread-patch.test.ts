import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
let checkpointer: SqliteCheckpointer;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-server-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({ graphs: { review }, checkpointer, port: 0 });
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

/** Resolves once the clock has moved past `iso`: a change made after it gets a later time. */
async function clockPast(iso: string): Promise<void> {
	while (Date.now() <= Date.parse(iso))
		await new Promise((r) => setTimeout(r, 2));
}

describe("PATCH /threads/:id (threads.update) with nothing to change (decision 0234)", () => {
	it("leaves the thread as it was: updated_at, metadata, ttl", async () => {
		const made = await client.threads.create({
			metadata: { user: "ada", tags: { a: 1, b: [1, 2] } },
			ttl: 60,
		});
		await clockPast(made.updated_at);
		for (const patch of [
			{},
			{ metadata: {} },
			{ metadata: { user: "ada" } },
			{ metadata: { tags: { b: [1, 2], a: 1 } } },
		]) {
			const answer = await client.threads.update(made.thread_id, patch);
			expect(answer).toEqual(made);
			expect(await client.threads.get(made.thread_id)).toEqual(made);
		}
	});

	it("still moves updated_at when something changes (metadata, ttl)", async () => {
		const made = await client.threads.create({ metadata: { user: "ada" } });
		await clockPast(made.updated_at);
		const renamed = await client.threads.update(made.thread_id, {
			metadata: { user: "grace" },
		});
		expect(renamed.metadata).toEqual({ user: "grace" });
		expect(Date.parse(renamed.updated_at)).toBeGreaterThan(
			Date.parse(made.updated_at),
		);
		await clockPast(renamed.updated_at);
		const timed = await client.threads.update(made.thread_id, { ttl: 30 });
		expect(Date.parse(timed.updated_at)).toBeGreaterThan(
			Date.parse(renamed.updated_at),
		);
	});
});
