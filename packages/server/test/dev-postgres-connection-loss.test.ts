// Every Postgres connection of `weft dev --postgres` killed (a failover, a restarted pgbouncer,
// pg_terminate_backend), twice, between runs and while a thread waits for its answer: the process goes
// on (its records, checkpoints and serving lock reconnect), runs, interrupts and resumes work after it.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
const processes: WeftProcess[] = [];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let admin: pg.Client;
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("dev_conn_loss");
	const api = await startProcess(
		["--postgres", db.url, "dev", ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	processes.push(api);
	client = new Client({
		apiUrl: api.match[1]!,
		callerOptions: { maxRetries: 0 },
	});
	admin = new pg.Client({ connectionString: db.url });
	admin.on("error", () => {});
	await admin.connect();
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(processes.map((p) => p.stop("SIGKILL")));
	await admin?.end();
	await db?.drop();
}, 30_000);

/** Kills every other connection to the test database. */
const killConnections = () =>
	admin.query(
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`,
	);

describe.skipIf(!available)(
	"weft dev --postgres, every connection killed",
	() => {
		it("runs, interrupts and resumes go on; no run is left pending", async ({
			onTestFailed,
		}) => {
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
		}, 90_000);
	},
);
