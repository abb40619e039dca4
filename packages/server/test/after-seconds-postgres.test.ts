import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterSecondsCases } from "./fixtures/after-seconds-cases.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

// `after_seconds` on `weft serve` + `weft worker` (the run's job waits in the queue for its time):
// decision 0216

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const available = await postgresAvailable();
const graphArgs = ["--graph", `slow=${graphs}#slow`];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
let worker: WeftProcess | undefined;
let client: Client;
let apiUrl: string;

const startApi = async () => {
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	apiUrl = api.match[1]!;
	client = new Client({ apiUrl });
};
const startWorker = async () => {
	worker = await startProcess(
		["worker", "--postgres", db.url, ...graphArgs, "--concurrency", "2"],
		/weft worker: ready/,
	);
};

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_after_seconds");
	await startApi();
	await startWorker();
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await worker?.stop();
	await api?.stop();
	await db?.drop();
}, 30_000);

describe.skipIf(!available)("after_seconds on weft serve + weft worker", () => {
	it(
		"a delayed run is pending, the thread busy, until its time; then a worker runs it",
		() => afterSecondsCases.delayed(client),
		30_000,
	);
	it(
		"a delayed run cancelled while it waits never starts",
		() => afterSecondsCases.cancel(client),
		30_000,
	);
	it(
		"multitask strategies beside a delayed run",
		() => afterSecondsCases.multitask(client),
		60_000,
	);
	it(
		"runs.wait, runs.stream and stateless runs wait for their time",
		() => afterSecondsCases.waitAndStream(client, apiUrl),
		30_000,
	);
	it(
		"a bad after_seconds is 422 VALIDATION_FAILED on every route that creates a run",
		() => afterSecondsCases.validation(client, apiUrl),
		30_000,
	);

	it("a delayed run outlives a restart of the API and of every worker: it runs at its time once one is back", async () => {
		const thread = await client.threads.create();
		await worker!.stop();
		worker = undefined;
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 1 },
			afterSeconds: 1,
		});
		expect(run.status).toBe("pending");
		await api.stop();
		await startApi();
		await new Promise((r) => setTimeout(r, 1500)); // past its time, with no worker
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"pending",
		);
		await startWorker();
		expect(await client.runs.join(thread.thread_id, run.run_id)).toMatchObject({
			ms: 1,
			done: true,
		});
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"success",
		);
		// and one whose time has not come when the worker restarts waits for it
		const later = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 2 },
			afterSeconds: 2,
		});
		await worker!.stop();
		await startWorker();
		expect((await client.runs.get(thread.thread_id, later.run_id)).status).toBe(
			"pending",
		);
		expect(
			await client.runs.join(thread.thread_id, later.run_id),
		).toMatchObject({ ms: 2, done: true });
		const history = await client.threads.getHistory(thread.thread_id, {
			limit: 50,
		});
		expect(Date.parse(history[0]!.created_at!)).toBeGreaterThanOrEqual(
			Date.parse(later.created_at),
		);
	}, 60_000);
});
