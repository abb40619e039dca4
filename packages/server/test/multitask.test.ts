import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, it } from "vitest";
import { openSqliteRecords, type ServerRecords, serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { multitaskCases } from "./fixtures/multitask-cases.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let records: ServerRecords;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-multitask-"));
	const path = join(dir, "weft.db");
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
	it("reject: of concurrent runs.create on one thread, exactly one is admitted", () =>
		multitaskCases.race([client, client, client], 5));
});
