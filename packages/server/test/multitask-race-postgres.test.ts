import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, it } from "vitest";
import { multitaskCases } from "./fixtures/multitask-cases.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const processes: WeftProcess[] = [];
let clients: Client[] = [];

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_race");
	const serveApi = () =>
		startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
	// the first API creates the schemas; then a second API and a worker
	const first = await serveApi();
	const [second, worker] = await Promise.all([
		serveApi(),
		startProcess(
			["worker", "--postgres", db.url, ...graphArgs, "--concurrency", "4"],
			/weft worker: ready/,
		),
	]);
	processes.push(first, second, worker);
	// two clients on each API process
	clients = [first, second, first, second].map(
		(p) => new Client({ apiUrl: p.match[1]! }),
	);
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(processes.map((p) => p.stop()));
	await db?.drop();
}, 30_000);

describe.skipIf(!available)(
	"multitask_strategy on weft serve (2 API processes) + weft worker",
	() => {
		it(
			"reject: of concurrent runs.create on one thread, exactly one is admitted",
			() => multitaskCases.race(clients, 5),
			60_000,
		);
		it("enqueue, interrupt and rollback still work", async () => {
			await multitaskCases.enqueue(clients[0]!);
			await multitaskCases.interrupt(clients[1]!);
			await multitaskCases.rollback(clients[0]!);
		}, 60_000);
	},
);
