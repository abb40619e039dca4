// The server on an operator's bad day: `weft serve` + `weft worker`s on a fresh Postgres database, driven only
// through the official SDK client by several clients at once (runs.wait, runs.stream with reconnects by
// Last-Event-ID, approvals answered on the head or on a fork by checkpoint id, cancels, multitask
// strategies on a busy thread), while a chaos loop SIGKILLs and SIGSTOPs workers, restarts the API process
// (SIGTERM and SIGKILL) and terminates every process's Postgres connections. Then, with the chaos stopped
// and the workers given time to sweep, the invariants: every run final and read the same by every route,
// no thread busy, no step committed twice on a branch, no committed ctx.once effect repeated, each answer
// applied once on its own branch, no event id twice in a stream, no 5xx without a WeftError code.
// Randomized and seeded: a failure prints the seed; WEFT_SOAK_SEED=<seed> repeats its choices (the
// machine's timing still varies), WEFT_SOAK_SECONDS the length of the storm.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	startProcess,
	type WeftProcess,
} from "../../packages/server/test/fixtures/processes.ts";
import {
	createDatabase,
	databaseUrl,
	dropDatabase,
	postgresAvailable,
	sql,
} from "../src/postgres-admin.ts";
import { sleep, tally } from "../src/tally.ts";

const SEED = Number(
	process.env.WEFT_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31),
);
const SECONDS = Number(process.env.WEFT_SOAK_SECONDS ?? 40);
const CLIENTS = 7;
const WORKERS = 3;
const graphFile = fileURLToPath(
	new URL("../src/soak-graph.ts", import.meta.url),
);
const graphArgs = ["--graph", `soak=${graphFile}#soak`];
const available = await postgresAvailable();
const counts = tally("server soak");

/** mulberry32: a small seeded generator, one per client and one for the chaos loop. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const between = (r: () => number, lo: number, hi: number) =>
	lo + Math.floor(r() * (hi - lo + 1));

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

interface Chaos {
	at: number;
	kind: "kill" | "stop" | "cont" | "api-term" | "api-kill" | "terminate";
	pid?: number | undefined;
}

let dir: string;
let effects: string;
let database: string;
let url: string;
let port: number;
let api: WeftProcess | undefined;
const workers: WeftProcess[] = [];
const retired: WeftProcess[] = [];
const chaos: Chaos[] = [];
/** 5xx answers whose body has no WeftError code, and 5xx answers by code. */
const bad5xx: string[] = [];
const problems: string[] = [];
const threads = new Set<string>();
/** A run whose record a rollback deleted (404 from then on). */
const rolledBack = new Set<string>();
/** Answers sent: on which thread, the checkpoint answered, and whether the resume run said success. */
const answers: {
	threadId: string;
	checkpointId: string;
	answer: string;
	ok: boolean;
}[] = [];

/** Each process started: its role and when (to name a lease holder in a failure). */
const roles = new Map<number, string>();
const noted = async (role: string, started: Promise<WeftProcess>) => {
	const p = await started;
	roles.set(p.child.pid!, `${role} started ${new Date().toISOString()}`);
	return p;
};

const startApi = () =>
	noted(
		"api",
		startProcess(
			[
				"serve",
				"--postgres",
				url,
				...graphArgs,
				"--port",
				String(port),
				"--shutdown-grace",
				"1s",
			],
			/listening on (http:\/\/[^\s]+)/,
		),
	);
const startWorker = () =>
	noted(
		"worker",
		startProcess(
			[
				"worker",
				"--postgres",
				url,
				...graphArgs,
				"--concurrency",
				"4",
				"--sweep-ms",
				"500",
				"--shutdown-grace",
				"1s",
			],
			/weft worker: ready/,
			{ WEFT_SOAK_EFFECTS: effects },
		),
	);

/** fetch for the SDK that notes every 5xx and whether its body carries a WeftError code. */
const noting: typeof fetch = async (input, init) => {
	const res = await fetch(input, init);
	if (res.status >= 500) {
		const body = await res
			.clone()
			.text()
			.catch(() => "");
		let code: unknown;
		try {
			code = (JSON.parse(body) as { code?: unknown }).code;
		} catch {}
		const what = `${init?.method ?? "GET"} ${String(input)} → ${res.status} ${body.slice(0, 300)}`;
		if (typeof code !== "string") bad5xx.push(what);
		else counts.add(`http_${res.status}_${code}`);
		if (
			typeof code === "string" &&
			code !== "STORE_UNAVAILABLE" &&
			code !== "SHUTTING_DOWN"
		)
			problems.push(`5xx: ${what}`);
	}
	return res;
};

const newClient = () =>
	new Client({
		apiUrl: `http://127.0.0.1:${port}`,
		callerOptions: { fetch: noting, maxRetries: 0 },
	});

/** The API down (restarting) or Postgres connections terminated: the request may be tried again. */
function transient(e: unknown): boolean {
	const m = String((e as Error)?.message ?? e);
	return (
		/ConnectionError|ECONNREFUSED|ECONNRESET|fetch failed|socket|terminated|other side closed|STORE_UNAVAILABLE|SHUTTING_DOWN|HTTP 50[23]/i.test(
			m,
		) || (e as Error)?.name === "ConnectionError"
	);
}

/**
 * THREAD_BUSY for a lease no run of the server holds any more: a sweep's (it moves a taken-back run's fence
 * by taking the lease for 10 s and giving it up at once), or an ended attempt's whose release was cut off
 * with its connection, or a request's whose first try the stopping API cut off (the client's retry finds
 * its lease); each lapses (1.5 s for the soak's graph, 10 s for the sweep's). Tried again as the error's
 * hint says. The body names the holder in `detail`, before `code`: matched apart (one regex in that order
 * never matched, and the first such 409 failed the soak).
 */
const leaseBusy = (e: unknown) =>
	/THREAD_BUSY/.test(String(e)) &&
	/holds its lease until|is held by .* until/.test(String(e));

/** Calls `fn` until it answers or fails otherwise than transiently (for at most 30 s). */
async function retry<T>(_what: string, fn: () => Promise<T>): Promise<T> {
	const until = Date.now() + 30_000;
	for (;;) {
		try {
			return await fn();
		} catch (e) {
			if (leaseBusy(e) && Date.now() <= until) {
				counts.add("lease_busy_retries");
				await sleep(500);
				continue;
			}
			if (!transient(e) || Date.now() > until) throw e;
			counts.add("client_retries");
			await sleep(150);
		}
	}
}

type Part = { event: string; data: unknown; id?: string };

/**
 * Streams `open()`; on a break (or when `cutAfter` events were read) joins again with the last id seen as
 * Last-Event-ID, until the run's stream ends (for at most 60 s). Returns every event, checking no id comes
 * twice.
 */
async function streamAll(
	client: Client,
	threadId: string,
	open: () => AsyncGenerator<Part>,
	cutAfter: number | undefined,
	label: string,
): Promise<{ runId: string | undefined; parts: Part[] }> {
	const parts: Part[] = [];
	const ids = new Set<string>();
	let runId: string | undefined;
	let lastId: string | undefined;
	let source: () => AsyncGenerator<Part> = open;
	let cut = cutAfter;
	const runsOf = async () =>
		(
			await retry("runs.list", () =>
				client.runs.list(threadId, { limit: 1000 }),
			)
		).map((x) => x.run_id);
	const before = new Set(await runsOf());
	// bounded by time, as `retry` is, not by a count of reconnects: an API restart (its 1 s drain, then a
	// new process starting on a machine loaded by the rest of the suite) outlasted 50 reconnects 200 ms apart
	const until = Date.now() + 60_000;
	while (Date.now() < until) {
		try {
			let n = 0;
			let cutNow = false;
			for await (const p of source()) {
				if (p.event === "metadata" && runId === undefined)
					runId = (p.data as { run_id: string }).run_id;
				if (p.id !== undefined) {
					if (ids.has(p.id))
						problems.push(
							`${label}: event id ${p.id} twice in the stream of run ${runId} (thread ${threadId})`,
						);
					if (lastId !== undefined && Number(p.id) <= Number(lastId))
						problems.push(
							`${label}: event id ${p.id} after ${lastId} in run ${runId} (thread ${threadId})`,
						);
					ids.add(p.id);
					lastId = p.id;
				}
				parts.push(p);
				if (cut !== undefined && ++n >= cut && p.id !== undefined) {
					cutNow = true;
					break;
				}
			}
			if (!cutNow) return { runId, parts };
			cut = undefined;
			counts.add("stream_reconnects");
		} catch (e) {
			if (!transient(e)) throw e;
			counts.add("stream_breaks");
			await sleep(200);
			if (runId === undefined) {
				// broken before its first event: join the run if it was made, else start it again
				const made = (await runsOf()).filter((id) => !before.has(id));
				if (made.length === 0) continue;
				runId = made[0];
			}
		}
		const rid = runId!;
		const from = lastId;
		source = () =>
			client.runs.joinStream(threadId, rid, {
				streamMode: ["updates"],
				...(from === undefined ? {} : { lastEventId: from }),
			}) as AsyncGenerator<Part>;
	}
	throw new Error(`${label}: stream of ${runId} did not end within 60 s`);
}

/**
 * Starts a run with `start` (runs.wait or runs.create); when the API went away meanwhile, joins the run it
 * made if it made one (a new run id on the thread), else starts it again. Returns the run's id.
 */
async function startRun(
	client: Client,
	threadId: string,
	start: () => Promise<unknown>,
): Promise<string | undefined> {
	// the thread's runs before the first try: one not among them was made by a try of this call
	const before = new Set(
		(
			await retry("runs.list", () =>
				client.runs.list(threadId, { limit: 1000 }),
			)
		).map((x) => x.run_id),
	);
	// bounded by time, as `retry` is: on a loaded machine an API restart outlasted 20 tries 200 ms apart
	const until = Date.now() + 30_000;
	for (let k = 0; ; k++) {
		try {
			const out = await start();
			return (out as { run_id?: string } | null)?.run_id;
		} catch (e) {
			// a try cut off by a stopping API went on there and made its run (the API waits for the
			// handlers it cut off), seen only now: that run is this call's
			const ours = /THREAD_BUSY/.test(String(e))
				? /run ([0-9a-f-]{36}) is (?:running|pending)/.exec(String(e))?.[1]
				: undefined;
			if (ours !== undefined && !before.has(ours)) {
				counts.add("earlier_try_made_the_run");
				await settle(client, threadId, ours);
				return ours;
			}
			if (leaseBusy(e) && k <= 60) {
				counts.add("lease_busy_retries");
				await sleep(500);
				continue;
			}
			if (!transient(e) || Date.now() > until) throw e;
			counts.add("client_retries");
			await sleep(200);
			const made = (
				await retry("runs.list", () =>
					client.runs.list(threadId, { limit: 1000 }),
				)
			).filter((x) => !before.has(x.run_id));
			if (made.length > 0) {
				await settle(client, threadId, made[0]!.run_id);
				return made[0]!.run_id;
			}
		}
	}
}

/** Waits for the run's final status through join (again after a break). */
async function settle(client: Client, threadId: string, runId: string) {
	await retry("join", () => client.runs.join(threadId, runId));
}

const FINAL = new Set([
	"success",
	"error",
	"timeout",
	"cancelled",
	"interrupted",
]);

async function newThread(client: Client): Promise<string> {
	const t = await retry("threads.create", () => client.threads.create());
	threads.add(t.thread_id);
	return t.thread_id;
}

/** Runs the thread to its pause at `review`. */
async function pauseAt(client: Client, threadId: string, n: number) {
	await startRun(client, threadId, () =>
		client.runs.wait(threadId, "soak", { input: { n, ask: true } }),
	);
}

// one client's scenarios; each returns when its runs have ended
const scenarios: Record<
	string,
	(client: Client, r: () => number, label: string) => Promise<void>
> = {
	async wait(client, r) {
		const t = await newThread(client);
		const n = between(r, 2, 6);
		await startRun(client, t, () =>
			client.runs.wait(t, "soak", { input: { n } }),
		);
		counts.add("waits");
	},
	async stream(client, r, label) {
		const t = await newThread(client);
		const n = between(r, 3, 7);
		const cut = r() < 0.5 ? between(r, 1, n) : undefined;
		await streamAll(
			client,
			t,
			() =>
				client.runs.stream(t, "soak", {
					input: { n },
					streamMode: ["updates"],
				}) as AsyncGenerator<Part>,
			cut,
			label,
		);
		counts.add("streams");
	},
	async approve(client, r) {
		const t = await newThread(client);
		const n = between(r, 2, 4);
		await pauseAt(client, t, n);
		const state = await retry("getState", () => client.threads.getState(t));
		if (state.next[0] !== "review") {
			problems.push(
				`thread ${t}: paused at ${JSON.stringify(state.next)}, not review`,
			);
			return;
		}
		const head = state.checkpoint.checkpoint_id!;
		const fork = r() < 0.5;
		if (fork) {
			// a fork at an older checkpoint (before the last step), made to ask again on its own branch
			const history = await retry("getHistory", () =>
				client.threads.getHistory(t, { limit: 100 }),
			);
			const older = history.find(
				(h) =>
					h.next.includes("step") && (h.values as { i: number }).i === n - 1,
			);
			if (older === undefined) {
				problems.push(`thread ${t}: no checkpoint before step ${n - 1}`);
				return;
			}
			const made = await retry("updateState", () =>
				client.threads.updateState(t, {
					values: { i: n },
					asNode: "step",
					checkpointId: older.checkpoint.checkpoint_id!,
				}),
			);
			const forkId = String(made.configurable?.checkpoint_id);
			await startRun(client, t, () =>
				client.runs.wait(t, "soak", { input: null, checkpointId: forkId }),
			);
			const forkState = await retry("getState", () =>
				client.threads.getState(t),
			);
			const paused = forkState.checkpoint.checkpoint_id!;
			const answer = `f${Math.floor(r() * 1e9)}`;
			const done = await answerAt(client, t, paused, answer);
			counts.add(done ? "fork_answers" : "fork_answers_failed");
			// sometimes the original branch too, with an answer of its own
			if (r() < 0.5)
				await answerAt(client, t, head, `h${Math.floor(r() * 1e9)}`);
			return;
		}
		const done = await answerAt(client, t, head, `a${Math.floor(r() * 1e9)}`);
		counts.add(done ? "answers" : "answers_failed");
	},
	async cancel(client, r) {
		const t = await newThread(client);
		const run = await startRun(client, t, () =>
			client.runs.create(t, "soak", { input: { n: between(r, 6, 12) } }),
		);
		await sleep(between(r, 100, 1200));
		await retry("runs.cancel", () => client.runs.cancel(t, run!, r() < 0.5));
		await settle(client, t, run!);
		counts.add("cancels");
	},
	async multitask(client, r) {
		const t = await newThread(client);
		const first = await startRun(client, t, () =>
			client.runs.create(t, "soak", { input: { n: between(r, 4, 8) } }),
		);
		await sleep(between(r, 50, 700));
		const strategy = (["enqueue", "interrupt", "rollback"] as const)[
			between(r, 0, 2)
		]!;
		const second = await startRun(client, t, () =>
			client.runs.create(t, "soak", {
				input: { n: between(r, 1, 3) },
				multitaskStrategy: strategy,
			}),
		);
		if (strategy === "rollback") rolledBack.add(first!);
		await settle(client, t, second!);
		counts.add(`multitask_${strategy}`);
	},
};

/** Answers the interrupt pending at `checkpointId`; true when the resume run succeeded. */
async function answerAt(
	client: Client,
	threadId: string,
	checkpointId: string,
	answer: string,
): Promise<boolean> {
	const entry = { threadId, checkpointId, answer, ok: false };
	answers.push(entry);
	try {
		await startRun(client, threadId, () =>
			client.runs.wait(threadId, "soak", {
				command: { resume: answer },
				checkpointId,
			}),
		);
		entry.ok = true;
	} catch (e) {
		// a retried resume whose first try went through finds nothing pending any more
		if (!/NO_PENDING_INTERRUPT/.test(String(e))) throw e;
		counts.add("resume_already_answered");
		entry.ok = true;
	}
	return entry.ok;
}

/**
 * For a THREAD_BUSY naming its lease holder ("host:pid:…"): which process that is, the chaos that hit it,
 * and the thread's runs as stored, so that a lease held too long can be told apart from a slow sweep.
 */
async function holderOf(error: string): Promise<string[]> {
	const m =
		/thread \\?"([^"\\]+)\\?" is (?:held by \\?"|busy: runner )[^:\s]+:(\d+):/.exec(
			error,
		);
	if (m === null) return [];
	const [, threadId, pid] = m;
	const runs = await sql<Record<string, unknown>>(
		"SELECT run_id, status, attempt, lost, claimed_at, cancel_requested, body->>'createdAt' AS created FROM weft_server.runs WHERE thread_id = $1",
		[threadId],
		database,
	).catch((e: unknown) => [{ error: String(e) }]);
	return [
		`  holder pid ${pid}: ${roles.get(Number(pid)) ?? "not started by the soak"}; chaos on it: ${JSON.stringify(chaos.filter((c) => c.pid === Number(pid)))}`,
		`  runs of thread ${threadId}: ${JSON.stringify(runs)}`,
	];
}

/**
 * For an effect run again without an excuse: the chaos in the 3 s before its first run, the thread's runs as
 * stored, and what each process printed about the thread, so that a CI failure tells how the lease moved.
 */
async function rerunContext(key: string, firstAt: number): Promise<string[]> {
	const threadId = key.split("/")[0]!;
	const runs = await sql<Record<string, unknown>>(
		"SELECT run_id, status, attempt, lost, claimed_at, body->>'createdAt' AS created FROM weft_server.runs WHERE thread_id = $1",
		[threadId],
		database,
	).catch((e: unknown) => [{ error: String(e) }]);
	const said = [api, ...workers, ...retired].flatMap((p) =>
		p === undefined
			? []
			: p
					.output()
					.split("\n")
					.filter((l) => l.includes(threadId))
					.slice(-8)
					.map((l) => `    ${p.child.pid}: ${l.slice(0, 400)}`),
	);
	return [
		`  chaos in the 3 s before: ${JSON.stringify(chaos.filter((c) => c.at >= firstAt - 3000 && c.at < firstAt - 50))}`,
		`  runs of thread ${threadId}: ${JSON.stringify(runs)}`,
		...said,
	];
}

beforeAll(async () => {
	if (!available) return;
	dir = mkdtempSync(join(tmpdir(), "weft-soak-"));
	effects = join(dir, "effects.txt");
	writeFileSync(effects, "");
	database = await createDatabase(
		`${process.env.WEFT_TEST_DB_PREFIX ?? ""}soak`.toLowerCase(),
	);
	url = databaseUrl(database);
	port = await freePort();
	api = await startApi();
	workers.push(
		...(await Promise.all(Array.from({ length: WORKERS }, startWorker))),
	);
}, 60_000);

afterAll(async () => {
	if (!available) return;
	for (const w of [...workers, ...retired]) {
		try {
			w.child.kill("SIGCONT");
		} catch {}
	}
	await Promise.all(
		[...workers, ...retired].map((w) => w.stop("SIGKILL").catch(() => {})),
	);
	await api?.stop("SIGKILL").catch(() => {});
	await dropDatabase(database).catch(() => {});
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!available)(
	"weft serve + workers through the SDK under kills, pauses, API restarts and lost connections",
	() => {
		it("every run ends consistently, nothing runs or applies twice, no stream repeats an event", async () => {
			const note = `seed ${SEED} (repeat with WEFT_SOAK_SEED=${SEED})`;
			process.stdout.write(`[chaos] server soak: ${note}\n`);
			const master = random(SEED);
			const deadline = Date.now() + SECONDS * 1000;
			const clientErrors: string[] = [];
			/** What each client is doing now, and since when (a client stuck is named, not waited for). */
			const doing: { label: string; since: number }[] = [];
			const clients = Array.from({ length: CLIENTS }, async (_, c) => {
				const r = random(Math.floor(master() * 2 ** 31));
				const client = newClient();
				const names = Object.keys(scenarios);
				for (let k = 0; Date.now() < deadline; k++) {
					const name = names[Math.floor(r() * names.length)]!;
					const label = `client ${c} #${k} ${name}`;
					doing[c] = { label, since: Date.now() };
					try {
						await scenarios[name]!(client, r, label);
					} catch (e) {
						clientErrors.push(
							`${label}: ${String((e as Error)?.stack ?? e).slice(0, 600)}`,
						);
					}
					doing[c] = { label: "", since: Number.POSITIVE_INFINITY };
				}
			});
			let stormAt = "";
			const storm = (async () => {
				const r = random(Math.floor(master() * 2 ** 31));
				await sleep(1500);
				while (Date.now() < deadline - 2000) {
					const action = between(r, 0, 4);
					stormAt = `action ${action} at ${new Date().toISOString()}`;
					const live = workers.filter((w) => w.child.exitCode === null);
					if (action === 0 && live.length > 1) {
						const w = live[between(r, 0, live.length - 1)]!;
						chaos.push({ at: Date.now(), kind: "kill", pid: w.child.pid });
						await w.stop("SIGKILL");
						workers.splice(workers.indexOf(w), 1);
						retired.push(w);
						workers.push(await startWorker());
						counts.add("chaos_sigkill");
					} else if (action === 1 && live.length > 0) {
						const w = live[between(r, 0, live.length - 1)]!;
						chaos.push({ at: Date.now(), kind: "stop", pid: w.child.pid });
						w.child.kill("SIGSTOP");
						await sleep(between(r, 2000, 4000));
						w.child.kill("SIGCONT");
						chaos.push({ at: Date.now(), kind: "cont", pid: w.child.pid });
						counts.add("chaos_sigstop");
					} else if (action === 2 || action === 3) {
						const signal = action === 2 ? "SIGTERM" : "SIGKILL";
						chaos.push({
							at: Date.now(),
							kind: action === 2 ? "api-term" : "api-kill",
							pid: api!.child.pid,
						});
						const old = api!;
						const code = await Promise.race([
							old.stop(signal),
							sleep(15_000).then(() => "hung" as const),
						]);
						if (signal === "SIGTERM" && code !== 0) {
							problems.push(
								`weft serve (pid ${old.child.pid}) on SIGTERM: ${code === "hung" ? "still running 15 s later" : `exit ${code}`}; its output:\n${old.output().slice(-3000)}`,
							);
							await old.stop("SIGKILL");
						}
						retired.push(old);
						api = await startApi();
						counts.add(`chaos_api_${signal}`);
					} else {
						chaos.push({ at: Date.now(), kind: "terminate" });
						const rows = await sql<{ ok: boolean }>(
							"SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
							[database],
						);
						counts.add("chaos_terminated", rows.filter((x) => x.ok).length);
					}
					await sleep(between(r, 800, 2500));
				}
			})();
			if (
				await Promise.race([
					storm.then(() => false),
					sleep(SECONDS * 1000 + 40_000).then(() => true),
				])
			)
				problems.push(`the chaos loop is stuck (${stormAt})`);
			const stuck = await Promise.race([
				Promise.all(clients).then(() => false),
				sleep(45_000).then(() => true),
			]);
			if (stuck)
				for (const d of doing)
					if (d !== undefined && d.since < deadline)
						problems.push(
							`${d.label}: no answer ${Math.round((Date.now() - d.since) / 1000)} s after it began`,
						);
			counts.set("threads", threads.size);

			// the storm is over: every worker awake, and time for the sweep to take back what the dead held
			const client = newClient();
			const open = async () =>
				sql<{ run_id: string; thread_id: string; status: string }>(
					"SELECT run_id, thread_id, status FROM weft_server.runs WHERE status IN ('pending', 'running')",
					[],
					database,
				);
			const settleBy = Date.now() + 20_000;
			let left = await open();
			while (left.length > 0 && Date.now() < settleBy) {
				await sleep(500);
				left = await open();
			}
			const failures: string[] = [...problems];
			for (const run of left)
				failures.push(
					`run ${run.run_id} (thread ${run.thread_id}) still ${run.status} after the storm`,
				);
			for (const e of clientErrors) failures.push(e, ...(await holderOf(e)));
			for (const b of bad5xx)
				failures.push(`5xx without a WeftError code: ${b}`);

			// every run final, read the same by runs.get, runs.list and the table; no thread busy
			const rows = await sql<{ run_id: string; status: string }>(
				"SELECT run_id, status FROM weft_server.runs",
				[],
				database,
			);
			const stored = new Map(rows.map((x) => [x.run_id, x.status]));
			let runs = 0;
			const errored: string[] = [];
			for (const t of threads) {
				const listed = await client.runs.list(t, { limit: 1000 });
				for (const run of listed) {
					runs++;
					counts.add(`run_${run.status}`);
					if (!FINAL.has(run.status))
						failures.push(
							`run ${run.run_id} (thread ${t}) lists ${run.status}`,
						);
					if (run.status === "error") {
						const out = await client.runs
							.join(t, run.run_id)
							.then((o) => JSON.stringify(o).slice(0, 400))
							.catch((e) => String(e).slice(0, 400));
						errored.push(`run ${run.run_id} (thread ${t}): ${out}`);
					}
					const got = await client.runs.get(t, run.run_id);
					if (
						got.status !== run.status ||
						stored.get(run.run_id) !== run.status
					)
						failures.push(
							`run ${run.run_id}: list ${run.status}, get ${got.status}, table ${stored.get(run.run_id)}`,
						);
				}
				const thread = await client.threads.get(t);
				if (thread.status === "busy")
					failures.push(`thread ${t} still busy after the storm`);
				// no step committed twice on any branch: per chain, each step number and each log entry once
				const history = await client.threads.getHistory(t, { limit: 1000 });
				const parentOf = new Map(
					history.map((h) => [
						h.checkpoint.checkpoint_id!,
						h.parent_checkpoint?.checkpoint_id ?? undefined,
					]),
				);
				const hasChild = new Set(
					history.map((h) => h.parent_checkpoint?.checkpoint_id),
				);
				for (const leaf of history.filter(
					(h) => !hasChild.has(h.checkpoint.checkpoint_id!),
				)) {
					const steps: unknown[] = [];
					for (
						let id: string | undefined = leaf.checkpoint.checkpoint_id!;
						id !== undefined;
						id = parentOf.get(id)
					)
						steps.push(
							history.find((h) => h.checkpoint.checkpoint_id === id)?.metadata
								?.step,
						);
					if (new Set(steps).size !== steps.length)
						failures.push(
							`thread ${t}: a step committed twice on the branch of ${leaf.checkpoint.checkpoint_id} (steps ${steps.join(",")})`,
						);
					const log = (leaf.values as { log?: string[] }).log ?? [];
					if (new Set(log).size !== log.length)
						failures.push(
							`thread ${t}: log ${log.join(",")} on the branch of ${leaf.checkpoint.checkpoint_id}`,
						);
					const applied = (leaf.values as { applied?: string[] }).applied ?? [];
					if (applied.length > 1)
						failures.push(
							`thread ${t}: applied ${applied.join(",")} on one branch`,
						);
				}
				// each answer applied once, on the branch it was given
				for (const a of answers.filter((a) => a.threadId === t && a.ok)) {
					const below = (id: string) => {
						for (
							let c: string | undefined = id;
							c !== undefined;
							c = parentOf.get(c)
						)
							if (c === a.checkpointId) return true;
						return false;
					};
					const holding = history.filter((h) =>
						((h.values as { applied?: string[] }).applied ?? []).includes(
							a.answer,
						),
					);
					if (holding.length === 0)
						failures.push(
							`thread ${t}: answer ${a.answer} at ${a.checkpointId} not applied`,
						);
					for (const h of holding)
						if (!below(h.checkpoint.checkpoint_id!))
							failures.push(
								`thread ${t}: answer ${a.answer} applied off the branch of ${a.checkpointId}`,
							);
				}
			}
			counts.set("runs", runs);
			if (errored.length > 0)
				process.stdout.write(
					`[chaos] server soak: runs that ended in error (${note}):\n  ${errored.join("\n  ")}\n`,
				);
			counts.set("answers_sent", answers.length);

			// no committed ctx.once effect repeated: a second run of one key is excused only when it knew it
			// was retrying and the first runner was killed, paused or lost its connections in between
			const byKey = new Map<
				string,
				{ pid: number; at: number; retrying: boolean; label: string }[]
			>();
			for (const line of readFileSync(effects, "utf8").split("\n")) {
				if (line === "") continue;
				const [key, pid, at, retrying, label] = line.split(" ");
				const list = byKey.get(key!) ?? [];
				list.push({
					pid: Number(pid),
					at: Number(at),
					retrying: retrying === "1",
					label: label!,
				});
				byKey.set(key!, list);
			}
			counts.set("effects", byKey.size);
			for (const [key, list] of byKey) {
				for (let k = 1; k < list.length; k++) {
					const before = list[k - 1]!;
					const again = list[k]!;
					const hit = chaos.some(
						(c) =>
							c.at >= before.at - 50 &&
							c.at <= again.at &&
							(c.kind === "terminate" ||
								((c.kind === "kill" || c.kind === "stop") &&
									c.pid === before.pid)),
					);
					// a worker woken inside the effect's window (decisions 0109, 0142: paused in the effect, or
					// between its last lease check and the effect) finishes it: the runner before it may have run it
					const woken = chaos.some(
						(c) =>
							c.kind === "cont" &&
							c.pid === again.pid &&
							c.at <= again.at &&
							again.at - c.at < 100,
					);
					if (again.retrying && hit) counts.add("inflight_effects_rerun");
					else if (woken) counts.add("woken_effects_rerun");
					else
						failures.push(
							`effect ${key} (${again.label}) ran again: first by ${before.pid} at ${before.at}, again by ${again.pid} at ${again.at} (retrying ${again.retrying}); chaos between: ${JSON.stringify(chaos.filter((c) => c.at >= before.at - 50 && c.at <= again.at))}`,
							...(await rerunContext(key!, before.at)),
						);
				}
			}
			if (failures.length > 0)
				process.stdout.write(
					`[chaos] server soak FAILED, ${note}:\n  ${failures.join("\n  ")}\n`,
				);
			expect(failures, note).toEqual([]);
		}, 150_000);
	},
);
