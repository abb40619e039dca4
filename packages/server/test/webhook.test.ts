import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, it } from "vitest";
import { serve } from "../src/index.ts";
import { fails, review, slow } from "./fixtures/graphs.ts";
import { webhookCases } from "./fixtures/webhook-cases.ts";

// A run's webhook in process (`weft dev`, serve()): decision 0224. Found from outside: `webhook` was
// accepted and ignored.

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-webhook-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({
		graphs: { slow, review, fails },
		checkpointer,
		port: 0,
	});
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

describe("a run's webhook, in process", () => {
	it("POSTs each run that ended (success, interrupted, error) once, with its values and error", () =>
		webhookCases.ended(client));
	it(
		"sends again after a 5xx, not after a 4xx",
		() => webhookCases.retried(client),
		20_000,
	);
	it("refuses a webhook that is no http(s) URL", () =>
		webhookCases.refused(client));
	it("POSTs a stateless run", () => webhookCases.stateless(client));
});
