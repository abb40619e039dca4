// answer-races.test.ts on Postgres: `weft serve` and a `weft worker` serve the database while the SDK,
// the CLI (`--postgres`) and `graph.run` in a process of its own answer one paused thread at once.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, it, vi } from "vitest";
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
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

vi.setConfig({ testTimeout: 600_000 });

const graphs = fileURLToPath(
	new URL("./fixtures/race-graphs.ts", import.meta.url),
);
const available = await postgresAvailable();

let dir: string;
let journal: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
let worker: WeftProcess;
let client: Client;

beforeAll(async () => {
	if (!available) return;
	dir = mkdtempSync(join(tmpdir(), "weft-answer-races-pg-"));
	journal = join(dir, "journal.txt");
	writeFileSync(journal, "");
	const config = join(dir, "weft.json");
	writeFileSync(
		config,
		JSON.stringify({ graphs: { race: `${graphs}#graph` } }),
	);
	db = await freshDatabase("weft_races");
	api = await startProcess(
		["serve", "--postgres", db.url, "--config", config, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	worker = await startProcess(
		["worker", "--postgres", db.url, "--config", config],
		/weft worker: ready/,
	);
	client = new Client({
		apiUrl: api.match[1]!,
		callerOptions: { maxRetries: 0 },
	});
}, 120_000);
afterAll(async () => {
	if (!available) return;
	await worker?.stop();
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
});

describe.runIf(available)(
	"one paused thread answered by the SDK, the CLI and graph.run at once (weft serve + worker, Postgres)",
	() => {
		it("applies exactly one answer; the others are refused; the server reads the winner (8 rounds)", async () => {
			const store = ["--postgres", db.url];
			for (let round = 0; round < 8; round++) {
				const threadId = `race-${round}`;
				const topic = `topic-${round}`;
				await pausedThread(client, threadId, topic, journal);
				const jitter = () => Math.floor(Math.random() * 1500);
				const racers = [
					pause(jitter()).then(() =>
						cliAnswer(store, dir, threadId, `cli${round}`),
					),
					pause(jitter()).then(() =>
						processAnswer(store, threadId, `process${round}`),
					),
					pause(jitter() + 1000).then(() =>
						sdkAnswer(client, threadId, `sdk${round}`),
					),
				];
				const outcomes = await Promise.all(racers);
				logRound(round, outcomes);
				await checkRace(
					client,
					() => PostgresCheckpointer.connect({ connectionString: db.url }),
					journal,
					threadId,
					topic,
					outcomes,
				);
				await nextRun(client, threadId, `${topic}-next`);
			}
		});
	},
);
