// One paused thread answered at the same moment from several places (the LangGraph SDK against `weft dev`,
// the `weft` CLI, `graph.run` in a process of its own), all on the SQLite file the server serves: exactly
// one answer is applied (its effect once), on one branch; the others are refused with a code and a hint;
// the server then reads the winner's state and status, and the thread takes its next run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
	checkRace,
	logRound,
	nextRun,
	pausedThread,
	raceRound,
} from "./fixtures/answer-race-suite.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

vi.setConfig({ testTimeout: 600_000 });

const graphs = fileURLToPath(
	new URL("./fixtures/race-graphs.ts", import.meta.url),
);
let dir: string;
let db: string;
let journal: string;
let server: ServerProcess;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-answer-races-"));
	db = join(dir, "weft.db");
	journal = join(dir, "journal.txt");
	writeFileSync(journal, "");
	writeFileSync(
		join(dir, "weft.json"),
		JSON.stringify({ graphs: { race: `${graphs}#graph` } }),
	);
	server = await startWeft([
		"--db",
		db,
		"dev",
		"--config",
		join(dir, "weft.json"),
		"--port",
		"0",
	]);
	client = new Client({
		apiUrl: server.url,
		callerOptions: { maxRetries: 0 },
	});
}, 60_000);
afterAll(async () => {
	expect(await server?.stop()).toBe(0);
	rmSync(dir, { recursive: true, force: true });
});

describe("one paused thread answered by the SDK, the CLI and graph.run at once (weft dev, SQLite)", () => {
	it("applies exactly one answer; the others are refused; the server reads the winner (10 rounds)", async () => {
		const store = ["--db", db];
		for (let round = 0; round < 10; round++) {
			const threadId = `race-${round}`;
			const topic = `topic-${round}`;
			await pausedThread(client, threadId, topic, journal);
			const outcomes = await raceRound(client, store, dir, threadId, round);
			logRound(round, outcomes);
			await checkRace(
				client,
				async () => new SqliteCheckpointer({ path: db, readOnly: true }),
				journal,
				threadId,
				topic,
				outcomes,
			);
			await nextRun(client, threadId, `${topic}-next`);
		}
	});
});
