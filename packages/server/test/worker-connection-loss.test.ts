// Every Postgres connection of the server's processes killed (a failover, a restarted pgbouncer,
// pg_terminate_backend), twice, between runs and while a thread waits for its answer: `weft serve` +
// `weft worker`, and `weft dev --postgres`, go on, and no run is lost. The worker's run-lock session was
// never replaced and the job failed for good: the run stayed pending for ever.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const graphArgs = [
	"--graph",
	`slow=${graphs}#slow`,
	"--graph",
	`review=${graphs}#review`,
];
const available = await postgresAvailable();

/** The processes serving a database, the first of them the API. */
const SETUPS: Record<string, (url: string) => Promise<WeftProcess[]>> = {
	"weft serve + weft worker": async (url) => [
		await startProcess(
			["serve", "--postgres", url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		),
		await startProcess(
			["worker", "--postgres", url, ...graphArgs],
			/weft worker: ready/,
		),
	],
	"weft dev --postgres": async (url) => [
		await startProcess(
			["--postgres", url, "dev", ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		),
	],
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);

describe.skipIf(!available).each(Object.keys(SETUPS))(
	"%s, every connection killed",
	(setup) => {
		it("runs, interrupts and resumes go on; no run is left pending", async ({
			onTestFailed,
		}) => {
			const db = await freshDatabase("conn_loss");
			cleanups.push(() => db.drop());
			const processes = await SETUPS[setup]!(db.url);
			cleanups.push(async () => {
				await Promise.all(processes.map((p) => p.stop("SIGKILL")));
			});
			const admin = new pg.Client({ connectionString: db.url });
			admin.on("error", () => {});
			await admin.connect();
			cleanups.push(() => admin.end());
			const client = new Client({
				apiUrl: processes[0]!.match[1]!,
				callerOptions: { maxRetries: 0 },
			});
			/** Kills every other connection to the test database. */
			const killConnections = () =>
				admin.query(
					`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
					WHERE datname = current_database() AND pid <> pg_backend_pid()`,
				);
			// what the processes said, to tell where a run stopped
			onTestFailed(() => {
				for (const p of processes)
					process.stderr.write(
						`--- weft ${p.child.spawnargs.slice(-6).join(" ")}\n${p.output()}\n`,
					);
			});
			const first = await client.threads.create();
			expect(
				await client.runs.wait(first.thread_id, "slow", { input: { ms: 1 } }),
			).toMatchObject({ done: true });
			for (let round = 0; round < 2; round++) {
				await killConnections();
				const t = await client.threads.create();
				expect(
					await client.runs.wait(t.thread_id, "slow", { input: { ms: 1 } }),
				).toMatchObject({ done: true });
				const r = await client.threads.create();
				await client.runs.wait(r.thread_id, "review", {
					input: { topic: "x" },
				});
				expect((await client.threads.get(r.thread_id)).status).toBe(
					"interrupted",
				);
				await killConnections();
				await client.runs.wait(r.thread_id, "review", {
					command: { resume: "yes" },
				});
				expect((await client.threads.get(r.thread_id)).status).toBe("idle");
			}
			for (const p of processes) expect(p.child.exitCode).toBeNull();
		}, 120_000);
	},
);
