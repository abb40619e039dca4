// One paused thread answered at the same moment from several places (the LangGraph SDK against `weft dev`,
// the `weft` CLI, `graph.run` in a process of its own), all on the SQLite file the server serves: exactly
// one answer is applied (its effect once), on one branch; the others are refused with a code and a hint;
// the server then reads the winner's state and status, and the thread takes its next run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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
	pause,
	pausedThread,
} from "./fixtures/answer-race-suite.ts";
import {
	cliAnswer,
	processAnswer,
	sdkAnswer,
} from "./fixtures/answer-racers.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

vi.setConfig({ testTimeout: 600_000 });

const graphs = fileURLToPath(
	new URL("./fixtures/race-graphs.ts", import.meta.url),
);
// the SQLite driver the store package uses (to hold the file's write lock: the answerers then wait for it
// and all go at once when it is let go)
const Database = createRequire(
	fileURLToPath(
		new URL("../../checkpoint-sqlite/package.json", import.meta.url),
	),
)("better-sqlite3") as new (
	path: string,
) => { exec(sql: string): void; close(): void };

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
			// even rounds: all wait for the file's write lock and go at once; odd ones: started a little apart
			const barrier = round % 2 === 0;
			const lock = barrier ? new Database(db) : undefined;
			lock?.exec("BEGIN IMMEDIATE");
			const jitter = () => (barrier ? 0 : Math.floor(Math.random() * 1500));
			const racers = [
				pause(jitter()).then(() =>
					cliAnswer(store, dir, threadId, `cli${round}`),
				),
				pause(jitter()).then(() =>
					processAnswer(store, threadId, `process${round}`),
				),
				pause(jitter() + (barrier ? 1500 : 1000)).then(() =>
					sdkAnswer(client, threadId, `sdk${round}`),
				),
			];
			if (lock !== undefined) {
				await pause(2500);
				lock.exec("COMMIT");
				lock.close();
			}
			const outcomes = await Promise.all(racers);
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
