// A connection lost while graphile-worker marks a job complete (a failover at the end of a run): the
// queue's completeJob is not awaited by graphile-worker 0.17, its rejection was unhandled and killed
// `weft worker` (seen once in worker-connection-loss under load). The backend here ends itself inside that
// DELETE (a trigger), once: the worker must live on and run the next run.
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
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();
const processes: WeftProcess[] = [];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let admin: pg.Client;
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("worker_completion_lost");
	const api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	processes.push(api);
	processes.push(
		await startProcess(
			["worker", "--postgres", db.url, ...graphArgs],
			/weft worker: ready/,
		),
	);
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

describe.skipIf(!available)(
	"weft worker: the connection lost while a job is marked complete",
	() => {
		it("the worker lives on and runs the next run", async ({
			onTestFailed,
		}) => {
			onTestFailed(() => {
				for (const p of processes) process.stderr.write(`${p.output()}\n`);
			});
			// the first job completion after this ends its own backend, inside graphile-worker's DELETE (a
			// sequence counts the tries: nextval is not rolled back with the transaction that ends there)
			await admin.query(`
				CREATE SEQUENCE weft_test_completions;
				CREATE FUNCTION weft_test_kill_once() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF nextval('weft_test_completions') = 1 THEN
						PERFORM pg_terminate_backend(pg_backend_pid());
					END IF;
					RETURN OLD;
				END $$;
				CREATE TRIGGER weft_test_kill_once BEFORE DELETE ON graphile_worker._private_jobs
					FOR EACH ROW EXECUTE FUNCTION weft_test_kill_once();`);
			const first = await client.threads.create();
			expect(
				await client.runs.wait(first.thread_id, "slow", { input: { ms: 1 } }),
			).toMatchObject({ done: true });
			// the run is final before its job is marked complete: wait until that completion was tried
			for (;;) {
				const { rows } = await admin.query(
					"SELECT is_called FROM weft_test_completions",
				);
				if (rows[0].is_called === true) break;
				await new Promise((r) => setTimeout(r, 50));
			}
			const second = await client.threads.create();
			expect(
				await client.runs.wait(second.thread_id, "slow", { input: { ms: 1 } }),
			).toMatchObject({ done: true });
			for (const p of processes) expect(p.child.exitCode).toBeNull();
		}, 60_000);
	},
);
