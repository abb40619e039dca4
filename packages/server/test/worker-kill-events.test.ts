import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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

// A worker SIGKILLed right after a step's checkpoint committed and before that step's events were stored
// (fixtures/kill-graphs.ts kills it as it is about to write them): the run's next attempt, on another
// worker, must send what the stream is missing, and nothing it already has.

const killGraphs = fileURLToPath(
	new URL("./fixtures/kill-graphs.ts", import.meta.url),
);
const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), "weft-kill-events-"));
const graphArgs = [
	"--graph",
	`steps=${killGraphs}#steps`,
	"--graph",
	`fanout=${killGraphs}#fanout`,
	"--graph",
	`ask=${killGraphs}#ask`,
	"--graph",
	`nested=${killGraphs}#nested`,
];
let db: Awaited<ReturnType<typeof freshDatabase>>;
let api: WeftProcess;
let client: Client;
let cases = 0;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("kill_events");
	api = await startProcess(
		["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
		/listening on (http:\/\/[^\s]+)/,
	);
	client = new Client({ apiUrl: api.match[1]! });
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await api?.stop();
	await db?.drop();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

/**
 * Runs `graph` on two workers, one of which dies (once) before a query with `sql` and `param` (see
 * fixtures/kill-graphs.ts); returns the run's stream as `joinStream` gives it after the run ended.
 */
async function runThroughKill(
	graph: string,
	body: {
		input: Record<string, unknown> | null;
		command?: { resume: unknown };
		streamMode: string[];
		interruptBefore?: string[];
	},
	die: { sql: string; param: string },
	/** Runs on the thread first (the workers are up, the kill is armed). */
	prepare?: (threadId: string) => Promise<void>,
): Promise<{
	status: string;
	events: { event: string; data: unknown }[];
	killed: boolean;
}> {
	const marker = join(dir, `died-${++cases}`);
	const env = {
		WEFT_TEST_DIE_SQL: die.sql,
		WEFT_TEST_DIE_PARAM: die.param,
		WEFT_TEST_DIE_ONCE: marker,
	};
	const args = [
		"worker",
		"--postgres",
		db.url,
		...graphArgs,
		"--concurrency",
		"2",
		"--sweep-ms",
		"500",
	];
	const workers = await Promise.all([
		startProcess(args, /weft worker: ready/, env),
		startProcess(args, /weft worker: ready/, env),
	]);
	try {
		const thread = await client.threads.create();
		await prepare?.(thread.thread_id);
		const run = await client.runs.create(thread.thread_id, graph, {
			input: body.input,
			...(body.command === undefined ? {} : { command: body.command }),
			streamMode: body.streamMode as never,
			...(body.interruptBefore === undefined
				? {}
				: { interruptBefore: body.interruptBefore }),
		});
		await client.runs.join(thread.thread_id, run.run_id);
		const status = (await client.runs.get(thread.thread_id, run.run_id)).status;
		const events: { event: string; data: unknown }[] = [];
		const ids: number[] = [];
		for await (const p of client.runs.joinStream(
			thread.thread_id,
			run.run_id,
		)) {
			const id = (p as { id?: string }).id;
			if (id !== undefined) ids.push(Number(id));
			events.push({ event: p.event, data: p.data });
		}
		// event ids are unique and in order
		expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
		return { status, events, killed: existsSync(marker) };
	} finally {
		await Promise.all(workers.map((w) => w.stop()));
	}
}

const attempts = (events: { event: string; data: unknown }[]) =>
	events
		.filter((e) => e.event === "metadata")
		.map((e) => (e.data as { attempt: number }).attempt);

describe.skipIf(!available)(
	"weft worker SIGKILLed between a step's commit and its events",
	() => {
		it("the next attempt sends the step's updates and values, each event once, in order", async () => {
			const { status, events, killed } = await runThroughKill(
				"steps",
				{ input: { n: 6 }, streamMode: ["updates", "values"] },
				{
					sql: "INSERT INTO weft_server.run_events",
					param: '{"step":{"i":3}}',
				},
			);
			expect(killed).toBe(true);
			expect(status).toBe("success");
			expect(attempts(events)).toEqual([1, 2]);
			const seen = events
				.filter((e) => e.event !== "metadata")
				.map((e) =>
					e.event === "updates"
						? `updates ${(e.data as { step: { i: number } }).step.i}`
						: `${e.event} ${(e.data as { i: number }).i}`,
				);
			const expected = ["values 0"];
			for (let i = 1; i <= 6; i++) expected.push(`updates ${i}`, `values ${i}`);
			expect(seen).toEqual(expected);
		}, 60_000);

		it("a resumed run (input null) sends the state it went on from first, then each step's events once (decision 0134)", async () => {
			const { status, events, killed } = await runThroughKill(
				"steps",
				{ input: null, streamMode: ["updates", "values"] },
				{
					sql: "INSERT INTO weft_server.run_events",
					param: '{"step":{"i":2}}',
				},
				async (threadId) => {
					await client.runs.wait(threadId, "steps", {
						input: { n: 3 },
						interruptBefore: ["step"],
					});
				},
			);
			expect(killed).toBe(true);
			expect(status).toBe("success");
			expect(attempts(events)).toEqual([1, 2]);
			const seen = events
				.filter((e) => e.event !== "metadata")
				.map((e) =>
					e.event === "updates"
						? `updates ${(e.data as { step: { i: number } }).step.i}`
						: `${e.event} ${(e.data as { i: number }).i}`,
				);
			expect(seen).toEqual([
				"values 0",
				"updates 1",
				"values 1",
				"updates 2",
				"values 2",
				"updates 3",
				"values 3",
			]);
		}, 60_000);

		it("a step of several Send tasks of one node: one update per task, in task order", async () => {
			const { status, events, killed } = await runThroughKill(
				"fanout",
				{ input: { items: ["a", "b", "c"] }, streamMode: ["updates"] },
				{ sql: "INSERT INTO weft_server.run_events", param: '{"work":' },
			);
			expect(killed).toBe(true);
			expect(status).toBe("success");
			expect(attempts(events)).toEqual([1, 2]);
			expect(
				events.filter((e) => e.event === "updates").map((e) => e.data),
			).toEqual([
				{ split: {} },
				{ work: { out: ["a"] } },
				{ work: { out: ["b"] } },
				{ work: { out: ["c"] } },
				{ tally: { total: 3 } },
			]);
		}, 60_000);

		it("a subgraph node's step: one update per inner step, as the live stream sends them", async () => {
			const { status, events, killed } = await runThroughKill(
				"nested",
				{ input: {}, streamMode: ["updates"] },
				{ sql: "INSERT INTO weft_server.run_events", param: '{"sub":' },
			);
			expect(killed).toBe(true);
			expect(status).toBe("success");
			expect(attempts(events)).toEqual([1, 2]);
			expect(
				events.filter((e) => e.event === "updates").map((e) => e.data),
			).toEqual([
				{ outer: { log: ["outer"] } },
				{ sub: { log: ["one"] } },
				{ sub: { log: ["two"] } },
			]);
		}, 60_000);

		it("a second run on a thread whose worker died before the run's first checkpoint starts from its input, not from the first run's end", async () => {
			const marker = join(dir, `died-${++cases}`);
			const args = ["worker", "--postgres", db.url, ...graphArgs];
			const thread = await client.threads.create();
			const first = await startProcess(args, /weft worker: ready/);
			try {
				await client.runs.wait(thread.thread_id, "steps", { input: { n: 2 } });
			} finally {
				await first.stop();
			}
			// the next worker dies as it writes the second run's input checkpoint
			const env = {
				WEFT_TEST_DIE_SQL: ".put_checkpoint(",
				WEFT_TEST_DIE_PARAM: "input",
				WEFT_TEST_DIE_ONCE: marker,
			};
			const workers = await Promise.all(
				[0, 1].map(() =>
					startProcess(
						[...args, "--sweep-ms", "500"],
						/weft worker: ready/,
						env,
					),
				),
			);
			try {
				const run = await client.runs.create(thread.thread_id, "steps", {
					input: { n: 4 },
				});
				const out = (await client.runs.join(thread.thread_id, run.run_id)) as {
					i: number;
				};
				expect(existsSync(marker)).toBe(true);
				expect(out.i).toBe(4);
				expect(
					(await client.runs.get(thread.thread_id, run.run_id)).status,
				).toBe("success");
			} finally {
				await Promise.all(workers.map((w) => w.stop()));
			}
		}, 60_000);

		it("a run killed at an interrupt_before pause, before its status was written, stays paused", async () => {
			const { status, events, killed } = await runThroughKill(
				"steps",
				{
					input: { n: 3 },
					streamMode: ["values"],
					interruptBefore: ["step"],
				},
				{
					sql: "UPDATE weft_server.runs SET status = $3",
					param: "interrupted",
				},
			);
			expect(killed).toBe(true);
			expect(status).toBe("interrupted");
			expect(attempts(events)).toEqual([1, 2]);
			// the breakpoint held (no step ran), and the stream is a live run's: the state, then the pause
			// (a static breakpoint lists no interrupt, as LangGraph's)
			expect(
				events.filter((e) => e.event === "values").map((e) => e.data),
			).toEqual([
				{ i: 0, n: 3 },
				{ i: 0, n: 3, __interrupt__: [] },
			]);
		}, 60_000);

		it("a run killed after its interrupt's events were stored sends them once", async () => {
			const { status, events, killed } = await runThroughKill(
				"ask",
				{ input: {}, streamMode: ["updates", "values"] },
				{
					sql: "UPDATE weft_server.runs SET status = $3",
					param: "interrupted",
				},
			);
			expect(killed).toBe(true);
			expect(status).toBe("interrupted");
			expect(attempts(events)).toEqual([1, 2]);
			const interrupt = [
				{ id: expect.any(String), value: { question: "ok?" } },
			];
			expect(
				events
					.filter((e) => e.event !== "metadata")
					.map((e) => [e.event, e.data]),
			).toEqual([
				["values", { notes: [], answer: "" }],
				["updates", { draft: { notes: ["draft"] } }],
				["values", { notes: ["draft"], answer: "" }],
				["updates", { __interrupt__: interrupt }],
				["values", { notes: ["draft"], answer: "", __interrupt__: interrupt }],
			]);
		}, 60_000);

		// found by the server soak (5 Dec): attempt 2 starts a run that made no checkpoint again from its
		// request, here a resume whose answer attempt 1 had recorded; it was refused as already answered
		it("a resume run killed after recording its answer, before the step's commit, applies it (decision 0178)", async () => {
			const { status, events, killed } = await runThroughKill(
				"ask",
				{ input: null, command: { resume: "yes" }, streamMode: ["updates"] },
				{ sql: "put_checkpoint", param: '"nodes":["ask"]' },
				async (threadId) => {
					await client.runs.wait(threadId, "ask", { input: {} });
				},
			);
			expect(killed).toBe(true);
			expect(status).toBe("success");
			expect(attempts(events)).toEqual([1, 2]);
			expect(
				events.filter((e) => e.event === "updates").map((e) => e.data),
			).toEqual([{ ask: { answer: "yes" } }]);
		}, 60_000);

		// found by the outside durability audit (2 Dec): the run's checkpoints were no longer the newest, so
		// attempt 2 took the run for one that died before its first checkpoint and applied its input again
		it("a run swept after another runner finished its thread (weft recover) applies its input once", async () => {
			const marker = join(dir, `died-${++cases}`);
			const effects = join(dir, `effects-${cases}`);
			const env = {
				// dies as it is about to store the events of the step that made i = 2 (its checkpoint committed)
				WEFT_TEST_DIE_SQL: "INSERT INTO weft_server.run_events",
				WEFT_TEST_DIE_PARAM: '"i":2',
				WEFT_TEST_DIE_ONCE: marker,
				WEFT_TEST_EFFECTS: effects,
			};
			const worker = ["worker", "--postgres", db.url, ...graphArgs];
			// no sweep: the run stays with the dead worker until the second worker starts
			const first = await startProcess(
				[...worker, "--sweep-ms", "600000"],
				/weft worker: ready/,
				env,
			);
			const thread = await client.threads.create();
			const run = await client.runs.create(thread.thread_id, "steps", {
				input: { n: 4 },
			});
			for (let i = 0; i < 200 && !existsSync(marker); i++)
				await new Promise((r) => setTimeout(r, 50));
			await first.stop();
			expect(existsSync(marker)).toBe(true);
			// the thread's lease lapses (1.5 s); then another runner finishes the thread, as `weft recover` does
			await new Promise((r) => setTimeout(r, 2000));
			const { PostgresCheckpointer } = await import(
				"@weft/checkpoint-postgres"
			);
			const { steps } = await import("./fixtures/worker-graphs.ts");
			const cp = await PostgresCheckpointer.connect({
				connectionString: db.url,
			});
			try {
				process.env.WEFT_TEST_EFFECTS = effects;
				const done = await steps.withCheckpointer(cp).recover(thread.thread_id);
				expect(done.values).toMatchObject({ i: 4, n: 4 });
			} finally {
				delete process.env.WEFT_TEST_EFFECTS;
				await cp.close();
			}
			// a worker that sweeps takes the run over: it must not run the input (n: 4 from i = 4) again
			const second = await startProcess(
				[...worker, "--sweep-ms", "300"],
				/weft worker: ready/,
				env,
			);
			try {
				await client.runs.join(thread.thread_id, run.run_id);
				expect(
					(await client.runs.get(thread.thread_id, run.run_id)).status,
				).toBe("success");
				const state = await client.threads.getState(thread.thread_id);
				expect(state.values).toMatchObject({ i: 4, n: 4 });
				const lines = readFileSync(effects, "utf8").trim().split("\n");
				expect(
					lines.filter((l) => l.startsWith(thread.thread_id)),
				).toHaveLength(4);
			} finally {
				await second.stop();
			}
		}, 90_000);
	},
);
