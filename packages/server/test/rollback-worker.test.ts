import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";
import { rollbackCases } from "./fixtures/rollback-cases.ts";

const graph = fileURLToPath(
	new URL("./fixtures/rollback-graph.ts", import.meta.url),
);
const available = await postgresAvailable();
const graphArgs = [
	"--graph",
	`marks=${graph}#marks`,
	"--graph",
	`asks=${graph}#asks`,
];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
let worker: WeftProcess;
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_rollback");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	worker = await startProcess(
		["worker", "--postgres", db.url, ...graphArgs, "--concurrency", "2"],
		/weft worker: ready/,
	);
	client = new Client({ apiUrl: api.match[1]! });
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await worker?.stop();
	await api?.stop();
	await db?.drop();
}, 30_000);

describe.skipIf(!available)(
	"multitaskStrategy rollback on weft serve + weft worker (Postgres)",
	() => {
		it(
			"the thread's first run rolled back: the new run starts from the empty state",
			() => rollbackCases.firstRun(client),
			30_000,
		);
		it(
			"a run after an earlier one rolled back: the new run starts from the earlier run's end",
			() => rollbackCases.afterEarlierRun(client),
			30_000,
		);
		it(
			"rolling back a run that has ended leaves it and its thread as they are",
			() => rollbackCases.endedRun(client),
			30_000,
		);
		it(
			"a resume rolled back before its step committed: the question is pending again, a new answer goes on",
			() => rollbackCases.resumeCancelled(client),
			30_000,
		);
		it(
			"a resume rolled back by a second resume: the second answer goes on",
			() => rollbackCases.resumeRolledBackByResume(client),
			30_000,
		);
		it(
			'a second answer with multitaskStrategy "interrupt" while the first is being taken: 409, the first run left running',
			() => rollbackCases.resumeInterruptedByResume(client),
			30_000,
		);
	},
);
