// Postgres away for a few seconds while a run is in a step (a failover, a restart): every connection cut
// and new ones refused. The run's next write fails STORE_UNAVAILABLE; on `weft serve` + `weft worker` it
// used to end the run `error` for good, and the refusal's own error ("database … is not currently
// accepting connections") ended the worker process. A lost store is not the run's fault: the attempt ends,
// and a later one goes on from the last checkpoint once the database is back (decision 0148). `weft dev
// --postgres` has no later attempt: its run ends typed, and the process serves on.
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
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The processes serving a database, the API first; and how the run in the outage must end. */
const SETUPS: Record<
	string,
	{ start(url: string): Promise<WeftProcess[]>; ends: string[] }
> = {
	"weft serve + weft worker": {
		start: async (url) => [
			await startProcess(
				["serve", "--postgres", url, ...graphArgs, "--port", "0"],
				/listening on (http:\/\/[^\s]+)/,
			),
			await startProcess(
				["worker", "--postgres", url, ...graphArgs, "--sweep-ms", "500"],
				/weft worker: ready/,
			),
		],
		ends: ["success"],
	},
	"weft dev --postgres": {
		start: async (url) => [
			await startProcess(
				["--postgres", url, "dev", ...graphArgs, "--port", "0"],
				/listening on (http:\/\/[^\s]+)/,
			),
		],
		ends: ["error", "success"],
	},
};

describe.skipIf(!available).each(Object.keys(SETUPS))(
	"%s, Postgres away mid-run",
	(setup) => {
		it("the run ends as expected after the outage, no step committed twice, the processes serve on", async ({
			onTestFailed,
		}) => {
			const db = await freshDatabase("store_outage");
			cleanups.push(() => db.drop());
			const name = new URL(db.url).pathname.slice(1);
			const processes = await SETUPS[setup]!.start(db.url);
			cleanups.push(async () => {
				await Promise.all(processes.map((p) => p.stop("SIGKILL")));
			});
			onTestFailed(() => {
				for (const p of processes)
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
				apiUrl: processes[0]!.match[1]!,
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
			expect(SETUPS[setup]!.ends).toContain(ended?.status);
			// one checkpoint for the input and, once done, one for the node's step: nothing committed twice
			const steps = (await client.threads.getHistory(thread.thread_id)).map(
				(h) => h.metadata?.step,
			);
			if (ended?.status === "success") {
				expect(
					await client.runs.join(thread.thread_id, run.run_id),
				).toMatchObject({ done: true });
				expect(steps).toEqual([1, 0]);
			} else expect(steps.length).toBeLessThanOrEqual(2);
			// the thread is free again (at once, or within moments: the runtime's release of the lease is
			// tried again every 250 ms at most): a new run on it goes to its end
			let next: unknown;
			for (let i = 0; i < 20; i++) {
				next = await client.runs
					.wait(thread.thread_id, "slow", { input: { ms: 1 } })
					.catch((e: unknown) => e);
				if (!String(next).includes("THREAD_BUSY")) break;
				await sleep(100);
			}
			expect(next).toMatchObject({ done: true });
			for (const p of processes) expect(p.child.exitCode).toBeNull();
		}, 120_000);
	},
);
