// answer-races.test.ts on Postgres: `weft serve` and a `weft worker` serve the database while the SDK,
// the CLI (`--postgres`) and `graph.run` in a process of its own answer one paused thread at once.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
	checkRace,
	logRound,
	nextRun,
	pausedThread,
	raceRound,
} from "./fixtures/answer-race-suite.ts";
import { cliAnswer } from "./fixtures/answer-racers.ts";
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
	try {
		await worker?.stop();
		await api?.stop();
	} finally {
		await db?.drop();
		rmSync(dir, { recursive: true, force: true });
	}
}, 60_000);

describe.runIf(available)(
	"one paused thread answered by the SDK, the CLI and graph.run at once (weft serve + worker, Postgres)",
	() => {
		it("applies exactly one answer; the others are refused; the server reads the winner (8 rounds)", async () => {
			const store = ["--postgres", db.url];
			for (let round = 0; round < 8; round++) {
				const threadId = `race-${round}`;
				const topic = `topic-${round}`;
				await pausedThread(client, threadId, topic, journal);
				const outcomes = await raceRound(client, store, dir, threadId, round);
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

		it("a queued answer that another answered first ends as error NO_PENDING_INTERRUPT; the thread reads the winner, idle", async () => {
			const threadId = "queued-loser";
			await pausedThread(client, threadId, "queued", journal);
			await worker.stop();
			// no worker: the SDK's answer is admitted (nothing holds the thread) and waits in the queue
			const run = await client.runs.create(threadId, "race", {
				command: { resume: { action: "reject", reason: "sdk-queued" } },
			});
			const cli = cliAnswer(["--postgres", db.url], dir, threadId, "cli-first");
			const first = await cli.outcome;
			expect(first.won, first.said).toBe(true);
			worker = await startProcess(
				["worker", "--postgres", db.url, "--config", join(dir, "weft.json")],
				/weft worker: ready/,
			);
			// the worker takes it from the queue (polled: a run that never ends fails here, not in a hang)
			let status = "pending";
			for (let i = 0; i < 300 && ["pending", "running"].includes(status); i++) {
				await new Promise((r) => setTimeout(r, 100));
				status = (await client.runs.get(threadId, run.run_id)).status;
			}
			expect(status, worker.output()).toBe("error");
			const joined = (await client.runs.join(threadId, run.run_id)) as any;
			expect(joined.__error__?.error).toBe("NO_PENDING_INTERRUPT");
			const thread = await client.threads.get(threadId);
			expect((thread.values as any).decision).toBe("reject:cli-first");
			// the answer that came second changed nothing: the thread reads as the first left it
			expect(thread.status).toBe("idle");
			expect(
				readFileSync(journal, "utf8")
					.split("\n")
					.filter((l) => l.startsWith("queued ")),
			).toEqual(["queued reject:cli-first"]);
			await nextRun(client, threadId, "queued-next");
		});
	},
);
