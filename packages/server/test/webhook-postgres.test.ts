import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";
import { webhookCases } from "./fixtures/webhook-cases.ts";

// A run's webhook on `weft serve` + `weft worker` (the worker that ends the run sends it): decision 0224

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const available = await postgresAvailable();
const graphArgs = ["slow", "review", "fails"].flatMap((g) => [
	"--graph",
	`${g}=${graphs}#${g}`,
]);
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
let worker: WeftProcess;
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("weft_webhook");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	client = new Client({
		apiUrl: api.match[1]!,
		callerOptions: { maxRetries: 0 },
	});
	worker = await startProcess(
		["worker", "--postgres", db.url, ...graphArgs],
		/weft worker: ready/,
	);
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await worker?.stop();
	await api?.stop();
	await db?.drop();
}, 30_000);

describe.skipIf(!available)(
	"a run's webhook on weft serve + weft worker",
	() => {
		it(
			"POSTs each run that ended (success, interrupted, error) once, with its values and error",
			() => webhookCases.ended(client),
			30_000,
		);
		it("refuses a webhook that is no http(s) URL", () =>
			webhookCases.refused(client));
		it("POSTs a stateless run", () => webhookCases.stateless(client), 30_000);
	},
);
