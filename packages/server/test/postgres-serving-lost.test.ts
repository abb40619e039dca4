// A process serving a Postgres database holds an advisory lock on a connection of its own (decision 0106).
// When that connection is lost (pg_terminate_backend, a restarted database), the lock is gone until the
// process takes it again, and another process may take it the other way meanwhile. The retake found it
// held, tried again every second, and the process went on executing runs beside the other (decision 0110):
// now it stops executing runs and exits non-zero with STORE_UNAVAILABLE saying what happened.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const available = await postgresAvailable();
const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
let db: Awaited<ReturnType<typeof freshDatabase>>;
const started: ServerProcess[] = [];

beforeAll(async () => {
	if (available) db = await freshDatabase("serving_lost");
});
afterAll(async () => {
	if (!available) return;
	for (const p of started) await p.stop("SIGKILL");
	await db?.drop();
}, 30_000);

const dev = async () => {
	const p = await startWeft([
		"--postgres",
		db.url,
		"dev",
		"--graph",
		`slow=${graphs}#slow`,
		"--port",
		"0",
		"--shutdown-grace",
		"1s",
	]);
	started.push(p);
	return p;
};
const exitOf = (p: Pick<ServerProcess, "child">) =>
	new Promise<number | null>((resolve) => {
		if (p.child.exitCode !== null) resolve(p.child.exitCode);
		else p.child.once("exit", (code) => resolve(code));
	});
const connect = async () => {
	const c = new pg.Client({ connectionString: db.url });
	c.on("error", () => {});
	await c.connect();
	return c;
};
/** Who holds or waits for the serving lock (its key: hashtext('weft_serving') as a bigint). */
const SERVING_LOCK = `SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
	AND objid = (hashtext('weft_serving')::bigint & 4294967295)::oid
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

describe.skipIf(!available)("a serving lock lost and taken by another", () => {
	it("the process that finds it held the other way stops its runs and exits non-zero; the next one starts", async () => {
		const first = await dev();
		const client = new Client({ apiUrl: first.url });
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 120_000 },
		});
		const admin = await connect();
		const other = await connect(); // another process, taking the lock exclusively (as a weft dev does)
		try {
			const holders = (await admin.query(SERVING_LOCK)).rows as {
				pid: number;
				granted: boolean;
			}[];
			expect(holders).toHaveLength(1);
			const holder = holders[0]!.pid;
			// waiting before the holder's connection is lost: it gets the lock as soon as that backend ends
			const taken = other.query(
				"SELECT pg_advisory_lock(hashtext('weft_serving'))",
			);
			for (;;) {
				const rows = (await admin.query(SERVING_LOCK)).rows as {
					granted: boolean;
				}[];
				if (rows.some((r) => !r.granted)) break;
				await new Promise((r) => setTimeout(r, 20));
			}
			await admin.query("SELECT pg_terminate_backend($1)", [holder]);
			await taken;
			// the first process finds the lock taken: it does not go on beside the other
			expect(await exitOf(first)).not.toBe(0);
			expect(first.output()).toMatch(/STORE_UNAVAILABLE/);
			expect(first.output()).toMatch(/lost .*serving lock/);
			expect(first.output()).toMatch(/hint: /);
		} finally {
			await other.end(); // the other process goes away: its lock with it
			await admin.end();
		}
		// the first stopped its run before it exited (its last checkpoint stays); a new process serves the
		// database and finds it ended, not running
		const second = await dev();
		const again = new Client({ apiUrl: second.url });
		expect((await again.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
		const next = await again.runs.wait(thread.thread_id, "slow", {
			input: { ms: 1 },
		});
		expect(next).toMatchObject({ done: true });
		expect(await second.stop()).toBe(0);
	}, 90_000);

	it("weft serve and weft worker that find it taken alone (a weft dev in the gap) both exit non-zero", async () => {
		const graphArgs = ["--graph", `slow=${graphs}#slow`];
		const api = await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
		const worker = await startProcess(
			["worker", "--postgres", db.url, ...graphArgs],
			/weft worker: ready/,
		);
		started.push({ ...api, url: "" }, { ...worker, url: "" });
		const admin = await connect();
		const other = await connect();
		try {
			const holders = (await admin.query(SERVING_LOCK)).rows as {
				pid: number;
			}[];
			expect(holders).toHaveLength(2); // shared, one per process
			const taken = other.query(
				"SELECT pg_advisory_lock(hashtext('weft_serving'))",
			);
			for (;;) {
				const rows = (await admin.query(SERVING_LOCK)).rows as {
					granted: boolean;
				}[];
				if (rows.some((r) => !r.granted)) break;
				await new Promise((r) => setTimeout(r, 20));
			}
			for (const { pid } of holders)
				await admin.query("SELECT pg_terminate_backend($1)", [pid]);
			await taken;
			for (const p of [api, worker]) {
				expect(await exitOf(p)).not.toBe(0);
				expect(p.output()).toMatch(/STORE_UNAVAILABLE/);
				expect(p.output()).toMatch(/a weft dev took it alone/);
			}
		} finally {
			await other.end();
			await admin.end();
		}
	}, 90_000);
});
