// Postgres away for a few seconds while a worker's run is in a step (a failover, a restart): every
// connection cut and new ones refused. The run's next write fails STORE_UNAVAILABLE; it used to end the
// run `error` for good. A lost store is not the run's fault: the attempt ends, and a later one goes on from
// the last checkpoint once the database is back, so the run ends as if nothing had happened.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!available)(
	"weft serve + weft worker, Postgres away mid-run",
	() => {
		it("the run ends success after the outage, its step committed once", async ({
			onTestFailed,
		}) => {
			const db = await freshDatabase("store_outage");
			cleanups.push(() => db.drop());
			const name = new URL(db.url).pathname.slice(1);
			const api = await startProcess(
				["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
				/listening on (http:\/\/[^\s]+)/,
			);
			const worker = await startProcess(
				["worker", "--postgres", db.url, ...graphArgs, "--sweep-ms", "500"],
				/weft worker: ready/,
			);
			cleanups.push(async () => {
				await Promise.all([api.stop("SIGKILL"), worker.stop("SIGKILL")]);
			});
			onTestFailed(() => {
				for (const p of [api, worker])
					process.stderr.write(
						`--- weft ${p.child.spawnargs.slice(-6).join(" ")}\n${p.output()}\n`,
					);
			});
			// from another database: the test's own session must not hold the one it closes
			const admin = new pg.Client({
				connectionString: db.url.replace(/\/[^/]*$/, "/postgres"),
			});
			admin.on("error", () => {});
			await admin.connect();
			cleanups.push(async () => {
				await admin
					.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`)
					.catch(() => {});
				await admin.end();
			});
			const client = new Client({
				apiUrl: api.match[1]!,
				callerOptions: { maxRetries: 0 },
			});
			const thread = await client.threads.create();
			const run = await client.runs.create(thread.thread_id, "slow", {
				input: { ms: 1500 },
			});
			// the node is sleeping: the run is running and holds the thread's lease
			for (;;) {
				if (
					(await client.runs.get(thread.thread_id, run.run_id)).status ===
					"running"
				)
					break;
				await sleep(50);
			}
			await admin.query(
				`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`,
			);
			await admin.query(
				"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
				[name],
			);
			// the node ends (1.5 s) while the database refuses: its checkpoint cannot be written
			await sleep(3000);
			await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);

			let ended: Awaited<ReturnType<typeof client.runs.get>> | undefined;
			for (let i = 0; i < 600; i++) {
				const got = await client.runs
					.get(thread.thread_id, run.run_id)
					.catch(() => undefined);
				if (got !== undefined && !["pending", "running"].includes(got.status)) {
					ended = got;
					break;
				}
				await sleep(100);
			}
			expect(ended?.status).toBe("success");
			expect(
				await client.runs.join(thread.thread_id, run.run_id),
			).toMatchObject({
				done: true,
			});
			const state = await client.threads.getState(thread.thread_id);
			expect(state.values).toMatchObject({ done: true, ms: 1500 });
			// one checkpoint for the input, one for the node's step: nothing committed twice
			const history = await client.threads.getHistory(thread.thread_id);
			expect(history.map((h) => h.metadata?.step)).toEqual([1, 0]);
			expect(worker.child.exitCode).toBeNull();
			expect(api.child.exitCode).toBeNull();
		}, 120_000);
	},
);
