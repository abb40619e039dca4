// A route whose Postgres connection is lost under it (pg_terminate_backend, a failover, a restarted
// pgbouncer) answers 503 STORE_UNAVAILABLE, as the status table says for a store that did not answer: the
// server soak (chaos/test/server-soak.test.ts) got 500 NODE_FAILED from runs.cancel when the API's
// connection was terminated as it marked the run (decision 0141).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(
	new URL("./fixtures/terminate-graphs.ts", import.meta.url),
);
const graphArgs = ["--graph", `steps=${graphs}#steps`];
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "weft-store-lost-"));

let db: Awaited<ReturnType<typeof freshDatabase>>;
const processes: WeftProcess[] = [];
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("store_lost_http");
	processes.push(
		await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
			{
				// runs.cancel's statement (admit_run's, in the schema the server sets up, has `runs r SET …`)
				WEFT_TEST_TERMINATE_SQL:
					"UPDATE weft_server.runs SET cancel_requested = true",
				WEFT_TEST_TERMINATE_ONCE: join(dir, "cancel"),
			},
		),
		await startProcess(
			["worker", "--postgres", db.url, ...graphArgs],
			/weft worker: ready/,
		),
	);
	client = new Client({
		apiUrl: processes[0]!.match[1]!,
		callerOptions: { maxRetries: 0 },
	});
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(processes.map((p) => p.stop("SIGKILL")));
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!available)(
	"weft serve, its connection lost under a route",
	() => {
		it("runs.cancel answers 503 STORE_UNAVAILABLE with a hint; tried again, it cancels the run", async () => {
			const thread = await client.threads.create();
			const run = await client.runs.create(thread.thread_id, "steps", {
				input: { n: 20 },
			});
			const failed = await client.runs
				.cancel(thread.thread_id, run.run_id)
				.then(
					() => undefined,
					(e: Error & { status?: number }) => e,
				);
			expect(failed?.status).toBe(503);
			const body = JSON.parse(
				failed!.message.replace(/^HTTP \d+: /, ""),
			) as Record<string, string>;
			expect(body.code).toBe("STORE_UNAVAILABLE");
			expect(body.detail).toMatch(/terminating connection/);
			expect(body.hint).toMatch(/try again/);
			// the pool replaced the connection: the same request goes through
			await client.runs.cancel(thread.thread_id, run.run_id, true);
			expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"cancelled",
			);
		}, 60_000);
	},
);
