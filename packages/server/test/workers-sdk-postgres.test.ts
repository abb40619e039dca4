// Weft's distributed mode probed from outside (7 Dec), as a client written for LangGraph's server drives it:
// `weft serve` + two `weft worker` processes on a fresh Postgres database, only the official SDK. Each
// scenario passed without a change; they pin what a user relies on:
// - a worker SIGKILLed inside a resumed step, after its `ctx.once` charge: the other worker finishes the
//   run (its lease lapsed), the charge made once, `runs.join`/`runs.get` and an open stream see it succeed;
// - answers sent with `command: { resume }` while two workers listen: each applied once, a second refused;
// - `runs.cancel` with and without `wait`, also of a run whose worker was killed: the run ends `cancelled`,
//   the thread `idle`, and a new run on it starts;
// - every connection of the database terminated, again and again, while runs run and others wait behind
//   them: no process dies, every run ends `success`, `runs.get` and `runs.list` agree;
// - two runs created at once on a thread not made yet, per `multitaskStrategy`;
// - a stream left at its interrupt and answered at once (8 Dec, decision 0274: the run read running).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerAtInterrupt } from "./fixtures/answer-at-interrupt.ts";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const fixture = (name: string) =>
	fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "weft-workers-sdk-"));
const effects = join(dir, "effects.txt");
const graphArgs = [
	"--graph",
	`review=${fixture("graphs.ts")}#review`,
	"--graph",
	`slow=${fixture("graphs.ts")}#slow`,
	"--graph",
	`steps=${fixture("worker-graphs.ts")}#steps`,
	"--graph",
	`pay=${fixture("pay-graph.ts")}#pay`,
];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
const workers: WeftProcess[] = [];
let client: Client;

const startWorker = () =>
	startProcess(
		[
			"worker",
			"--postgres",
			db.url,
			...graphArgs,
			"--concurrency",
			"2",
			"--sweep-ms",
			"500",
		],
		/weft worker: ready/,
		{ WEFT_TEST_EFFECTS: effects },
	);

beforeAll(async () => {
	if (!available) return;
	writeFileSync(effects, "");
	db = await freshDatabase("weft_workers_sdk");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	workers.push(...(await Promise.all([startWorker(), startWorker()])));
	client = new Client({ apiUrl: api.match[1]! });
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all(workers.map((w) => w.stop()));
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	const end = Date.now() + 20_000;
	while (Date.now() < end) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error("condition not reached");
}

/** SIGKILLs the worker whose process id is `pid`, and starts another in its place. */
async function killWorker(pid: number): Promise<void> {
	const victim = workers.find((w) => w.child.pid === pid);
	expect(victim).toBeDefined();
	await victim!.stop("SIGKILL");
	workers.splice(workers.indexOf(victim!), 1);
	workers.push(await startWorker());
}

/** The process id of the worker holding the thread's lease, once the thread has reached `step`. */
async function leaseHolder(threadId: string, step: number): Promise<number> {
	const checkpointer = await PostgresCheckpointer.connect({
		connectionString: db.url,
	});
	let owner = "";
	try {
		await waitFor(async () => {
			const info = await checkpointer.getThread(threadId);
			owner = info?.lease?.owner ?? "";
			return (info?.step ?? 0) >= step && owner !== "";
		});
	} finally {
		await checkpointer.close();
	}
	return Number(owner.split(":")[1]);
}

/** The lines `<threadId> <what> <pid>` the pay graph wrote for the thread: `pay` per charge, `saved` per stored result. */
const effectLines = (threadId: string, what = "pay") =>
	readFileSync(effects, "utf8")
		.split("\n")
		.filter((l) => l.startsWith(`${threadId} ${what} `));

describe.skipIf(!available)(
	"weft serve + 2 weft workers through the SDK",
	() => {
		it("a worker killed in a resumed step after its ctx.once charge: the other finishes, the charge once", async () => {
			const thread = await client.threads.create();
			await client.runs.wait(thread.thread_id, "pay", { input: { amount: 5 } });
			expect((await client.threads.get(thread.thread_id)).status).toBe(
				"interrupted",
			);
			const run = await client.runs.create(thread.thread_id, "pay", {
				command: { resume: "yes" },
			});
			const joined = client.runs.join(thread.thread_id, run.run_id);
			const events: string[] = [];
			const streamed = (async () => {
				for await (const part of client.runs.joinStream(
					thread.thread_id,
					run.run_id,
				))
					events.push(part.event);
			})();
			// killed once the charge's result is stored: before that, `ctx.once` charges again (told `retrying`)
			await waitFor(
				async () => effectLines(thread.thread_id, "saved").length > 0,
			);
			await killWorker(Number(effectLines(thread.thread_id)[0]!.split(" ")[2]));

			expect(await joined).toMatchObject({
				log: ["answered yes", "receipt 5"],
			});
			await streamed;
			expect(events).not.toContain("error");
			expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"success",
			);
			expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
			expect(effectLines(thread.thread_id)).toHaveLength(1);
		}, 60_000);

		it("a stream's interrupt is seen once the run reads interrupted: an answer sent at once is taken", async () => {
			// a client that leaves the stream at the interrupt and answers at once got THREAD_BUSY ("run … is
			// running") about one time in twenty: the worker wrote the interrupt's events before the run's status
			await answerAtInterrupt(client, 30);
		}, 60_000);

		it("an answer sent with command.resume is applied once; a second is refused", async () => {
			for (let round = 0; round < 3; round++) {
				const thread = await client.threads.create();
				await client.runs.wait(thread.thread_id, "review", {
					input: { topic: `t${round}` },
				});
				const resumed = await client.runs.create(thread.thread_id, "review", {
					command: { resume: "yes" },
				});
				const notes = [`plan t${round}`, "review yes"];
				expect(
					await client.runs.join(thread.thread_id, resumed.run_id),
				).toMatchObject({ approved: true, notes });
				expect(
					(await client.runs.get(thread.thread_id, resumed.run_id)).status,
				).toBe("success");
				await expect(
					client.runs.wait(thread.thread_id, "review", {
						command: { resume: "no" },
					}),
				).rejects.toThrow(/NO_PENDING_INTERRUPT/);
				const state = await client.threads.getState(thread.thread_id);
				expect(state.values).toMatchObject({ approved: true, notes });
			}
		}, 60_000);

		for (const wait of [true, false])
			it(`runs.cancel (wait ${wait}) of a running run: cancelled, the thread idle, a new run starts`, async () => {
				const thread = await client.threads.create();
				const run = await client.runs.create(thread.thread_id, "slow", {
					input: { ms: 30_000 },
				});
				await waitFor(
					async () =>
						(await client.runs.get(thread.thread_id, run.run_id)).status ===
						"running",
				);
				await client.runs.cancel(thread.thread_id, run.run_id, wait);
				if (wait)
					expect(
						(await client.runs.get(thread.thread_id, run.run_id)).status,
					).toBe("cancelled");
				await client.runs.join(thread.thread_id, run.run_id);
				expect(
					(await client.runs.get(thread.thread_id, run.run_id)).status,
				).toBe("cancelled");
				expect((await client.threads.get(thread.thread_id)).status).toBe(
					"idle",
				);
				expect(
					await client.runs.wait(thread.thread_id, "slow", {
						input: { ms: 1 },
					}),
				).toMatchObject({ ms: 1, done: true });
			}, 60_000);

		it("runs.cancel (wait) of a run whose worker was killed ends it once its lease lapsed", async () => {
			const thread = await client.threads.create();
			const run = await client.runs.create(thread.thread_id, "steps", {
				input: { n: 30 },
			});
			await killWorker(await leaseHolder(thread.thread_id, 1));
			await client.runs.cancel(thread.thread_id, run.run_id, true);
			expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"cancelled",
			);
			await waitFor(
				async () =>
					(await client.threads.get(thread.thread_id)).status === "idle",
			);
			expect(
				await client.runs.wait(thread.thread_id, "steps", {
					input: { n: 1, i: 0 },
				}),
			).toMatchObject({ i: 1 });
		}, 60_000);

		it("every connection terminated again and again while runs run and wait: all end success, no process dies", async () => {
			const threads = await Promise.all(
				[0, 1, 2, 3].map(() => client.threads.create()),
			);
			const runs: { thread: string; run: string }[] = [];
			for (const t of threads)
				for (const multitaskStrategy of ["reject", "enqueue"] as const) {
					const run = await client.runs.create(t.thread_id, "steps", {
						input: { n: 3, i: 0 },
						multitaskStrategy,
					});
					runs.push({ thread: t.thread_id, run: run.run_id });
				}
			const joins = runs.map((r) => client.runs.join(r.thread, r.run));
			const admin = new pg.Client({ connectionString: db.url });
			await admin.connect();
			try {
				const end = Date.now() + 2500;
				while (Date.now() < end) {
					await admin.query(
						`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
					WHERE datname = current_database() AND pid <> pg_backend_pid()`,
					);
					await new Promise((r) => setTimeout(r, 200));
				}
			} finally {
				await admin.end();
			}
			for (const joined of joins) expect(await joined).toMatchObject({ i: 3 });
			for (const t of threads) {
				const listed = await client.runs.list(t.thread_id);
				expect(listed.map((r) => r.status)).toEqual(["success", "success"]);
				for (const r of listed)
					expect((await client.runs.get(t.thread_id, r.run_id)).status).toBe(
						"success",
					);
				expect((await client.threads.get(t.thread_id)).status).toBe("idle");
			}
			for (const p of [api, ...workers]) expect(p.child.exitCode).toBeNull();
		}, 90_000);

		const expected = {
			// one admitted, the other refused THREAD_BUSY
			reject: { made: 1, refused: 1, statuses: ["success"] },
			// both run, one after the other
			enqueue: { made: 2, refused: 0, statuses: ["success", "success"] },
			// the first stopped (its record stays), the later one runs
			interrupt: { made: 2, refused: 0, statuses: ["cancelled", "success"] },
			// the first stopped and deleted, the later one runs
			rollback: { made: 2, refused: 0, statuses: ["success"] },
		};
		for (const strategy of Object.keys(expected) as (keyof typeof expected)[])
			it(`two runs created at once on a thread not made yet: ${strategy}`, async () => {
				for (let round = 0; round < 3; round++) {
					const threadId = crypto.randomUUID();
					const results = await Promise.allSettled(
						[0, 1].map(() =>
							client.runs.create(threadId, "slow", {
								input: { ms: 300 },
								ifNotExists: "create",
								multitaskStrategy: strategy,
							}),
						),
					);
					const made = results.flatMap((r) =>
						r.status === "fulfilled" ? [r.value] : [],
					);
					const refused = results.flatMap((r) =>
						r.status === "rejected" ? [String(r.reason)] : [],
					);
					for (const reason of refused) expect(reason).toMatch(/THREAD_BUSY/);
					for (const r of made)
						await client.runs.join(threadId, r.run_id).catch(() => {});
					const statuses = (await client.runs.list(threadId))
						.map((r) => r.status)
						.sort();
					expect({
						made: made.length,
						refused: refused.length,
						statuses,
					}).toEqual(expected[strategy]);
					expect((await client.threads.get(threadId)).status).toBe("idle");
				}
			}, 60_000);
	},
);
