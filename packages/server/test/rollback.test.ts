import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollbackCases } from "./fixtures/rollback-cases.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const graph = fileURLToPath(
	new URL("./fixtures/rollback-graph.ts", import.meta.url),
);
let dir: string;
let server: ServerProcess;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-rollback-"));
	server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--graph",
		`marks=${graph}#marks`,
		"--graph",
		`asks=${graph}#asks`,
		"--port",
		"0",
	]);
	client = new Client({ apiUrl: server.url });
}, 60_000);
afterAll(async () => {
	expect(await server?.stop()).toBe(0);
	rmSync(dir, { recursive: true, force: true });
});

describe("multitaskStrategy rollback on weft dev (SQLite, in process)", () => {
	it("the thread's first run rolled back: the new run starts from the empty state", () =>
		rollbackCases.firstRun(client));
	it("a run after an earlier one rolled back: the new run starts from the earlier run's end", () =>
		rollbackCases.afterEarlierRun(client));
	it("rolling back a run that has ended leaves it and its thread as they are", () =>
		rollbackCases.endedRun(client));
	it("a resume rolled back before its step committed: the question is pending again, a new answer goes on", () =>
		rollbackCases.resumeCancelled(client));
	it("a resume rolled back by a second resume: the second answer goes on", () =>
		rollbackCases.resumeRolledBackByResume(client));
	it('a second answer with multitaskStrategy "interrupt" while the first is being taken: 409, the first run left running', () =>
		rollbackCases.resumeInterruptedByResume(client));
});
