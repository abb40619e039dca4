// Where the time of one `runs.wait` goes on `weft serve` + 1 worker: starts both on a fresh database,
// times N runs.wait one after the other (each on a new thread, as the server bench does) and prints the
// p50; with --trace, both processes record every query they send and every notification they get
// (trace-preload.ts), and the median run is printed as a timeline (ms from the client's call), with
// the statements and commits each process put on it.
//   WEFT_TEST_DB_PREFIX=wt_x node --import tsx bench/src/server/wait-timeline.ts [--runs 30] [--trace]
//   [--s1 ask|resume] (S1's wait to the question, or after the answer, instead of a W3 run)
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { commitFloor } from "../pg-commit.ts";
import { GRAPH, input, newClient } from "./load.ts";
import { S1_GRAPH } from "./s1.ts";
import { weftServe } from "./targets.ts";

const { values } = parseArgs({
	options: {
		runs: { type: "string", default: "30" },
		warmup: { type: "string", default: "10" },
		turns: { type: "string", default: "3" },
		trace: { type: "boolean", default: false },
		floor: { type: "boolean", default: false },
		concurrency: { type: "string", default: "16" },
		// S1's waits instead of W3's run: `ask` (to the review's question) or `resume` (after the answer)
		s1: { type: "string" },
	},
});
const runs = Number(values.runs);
const turns = Number(values.turns);
const here = import.meta.dirname;
const traceOut = join(tmpdir(), `weft-trace-${process.pid}-%p.json`);
const target = await weftServe({
	workers: 1,
	concurrency: Number(values.concurrency),
	dbPrefix: "_lat",
	env: values.trace
		? {
				NODE_OPTIONS: `--import tsx --import ${join(here, "trace-preload.ts")}`,
				WEFT_TRACE_OUT: traceOut,
			}
		: {},
});
const wall = () =>
	Math.round((performance.timeOrigin + performance.now()) * 1000);
type Rec = [string, number, number, number, string];
const pids = {
	api: target.api!.child.pid!,
	worker: target.workers![0]!.child.pid!,
};
try {
	const client = newClient(target.url);
	const s1 = values.s1;
	if (s1 !== undefined && s1 !== "ask" && s1 !== "resume")
		throw new Error("--s1 takes ask or resume");
	const one = async () => {
		const thread = await client.threads.create();
		if (s1 !== undefined) {
			const topic = { input: { topic: "t" } };
			if (s1 === "resume")
				await client.runs.wait(thread.thread_id, S1_GRAPH, topic);
			const t0 = wall();
			await client.runs.wait(
				thread.thread_id,
				S1_GRAPH,
				s1 === "ask" ? topic : { command: { resume: "yes" } },
			);
			return [t0, wall()] as const;
		}
		const t0 = wall();
		const out = (await client.runs.wait(thread.thread_id, GRAPH, {
			input: input(turns),
		})) as { messages?: unknown[] };
		const t1 = wall();
		if (out.messages?.length !== 2 + 2 * turns)
			throw new Error(`runs.wait returned ${out.messages?.length} messages`);
		return [t0, t1] as const;
	};
	for (let i = 0; i < Number(values.warmup); i++) await one();
	const signal = () => {
		for (const pid of [pids.api, pids.worker]) process.kill(pid!, "SIGUSR2");
	};
	if (values.trace) {
		signal();
		await new Promise((r) => setTimeout(r, 200));
	}
	const spans: (readonly [number, number])[] = [];
	for (let i = 0; i < runs; i++) spans.push(await one());
	if (values.floor) {
		// what a round trip and a durable commit cost here, between the runs (same minutes)
		const floor = await commitFloor(target.databaseUrl!);
		const commit = [];
		for (let i = 0; i < 5; i++) commit.push(await floor.batch(50));
		await floor.close();
		const c = new pg.Client({ connectionString: target.databaseUrl });
		await c.connect();
		const rt = [];
		for (let i = 0; i < 5; i++) {
			const t = performance.now();
			for (let j = 0; j < 200; j++)
				await c.query({ name: "rt", text: "SELECT 1" });
			rt.push(((performance.now() - t) * 1000) / 200);
		}
		await c.end();
		const med = (a: number[]) =>
			a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
		console.log(
			`floor: a round trip (SELECT 1) ${med(rt).toFixed(0)} µs, a commit (autocommit INSERT) ${med(commit).toFixed(0)} µs (medians of 5 batches)`,
		);
	}
	const ms = spans.map(([a, b]) => (b - a) / 1000).sort((a, b) => a - b);
	const p50 = ms[Math.floor(ms.length / 2)]!;
	console.log(
		`runs.wait over ${runs} runs: p50 ${p50.toFixed(2)} ms, min ${ms[0]!.toFixed(2)}, max ${ms.at(-1)!.toFixed(2)}`,
	);
	if (values.trace) {
		signal();
		await new Promise((r) => setTimeout(r, 500));
		const read = (pid: number, who: string) => {
			const file = traceOut.replace("%p", String(pid));
			const recs = JSON.parse(readFileSync(file, "utf8")) as Rec[];
			rmSync(file);
			return recs.map((r) => ({ who, r }));
		};
		const all = [
			...read(pids.api!, "api"),
			...read(pids.worker!, "worker"),
		].sort((a, b) => a.r[1] - b.r[1]);
		// per run: statements, and commits (COMMIT, or a statement outside BEGIN … that writes)
		const writes =
			/^(WITH|INSERT|UPDATE|DELETE|SELECT .*(put_checkpoint|add_job|get_job|complete_job|pg_notify))/i;
		const byRun = spans.map(([t0, t1]) => {
			const inside = all.filter(({ r }) => r[1] >= t0 && r[1] <= t1);
			const open = new Set<string>();
			let commits = 0;
			for (const { who, r } of inside) {
				if (r[0] !== "q") continue;
				const key = `${who}:${r[3]}`;
				if (/^BEGIN/i.test(r[4])) open.add(key);
				else if (/^(COMMIT|ROLLBACK)/i.test(r[4])) {
					open.delete(key);
					commits++;
				} else if (!open.has(key) && writes.test(r[4])) commits++;
			}
			return {
				t0,
				t1,
				inside,
				queries: inside.filter(({ r }) => r[0] === "q").length,
				commits,
			};
		});
		const median = [...byRun].sort((a, b) => a.t1 - a.t0 - (b.t1 - b.t0))[
			Math.floor(byRun.length / 2)
		]!;
		const q = byRun.map((b) => b.queries).sort((a, b) => a - b);
		const c = byRun.map((b) => b.commits).sort((a, b) => a - b);
		console.log(
			`per run (median): ${q[Math.floor(q.length / 2)]} statements, ${c[Math.floor(c.length / 2)]} commits (counted from the trace)`,
		);
		// the run's chain: what one step waits for before the next; not the statements that run beside it
		// (event batches, the thread record), nor the background (lease sweep, event expiry, the worker's
		// work after the final status, graphile-worker's next fetch)
		const beside =
			/INSERT INTO weft_server\.threads|WITH ended AS|SELECT run_id, thread_id, attempt|SELECT run_id, attempt FROM|pg_advisory_unlock|_private_jobs as jobs where id/;
		const chainOf = (b: (typeof byRun)[number]) => {
			let fetched = false;
			return b.inside.filter(({ r }) => {
				if (r[0] !== "q" || beside.test(r[4])) return false;
				if (
					/^WITH ins AS/.test(r[4]) &&
					!/weft_server\.runs SET status/.test(r[4])
				)
					return false;
				if (/^with j as/.test(r[4])) {
					if (fetched) return false;
					fetched = true;
				}
				return true;
			});
		};
		const chains = byRun.map((b) => chainOf(b).length).sort((a, b) => a - b);
		console.log(
			`statements one after the other on a run's path: median ${chains[Math.floor(chains.length / 2)]} (min ${chains[0]}, max ${chains.at(-1)})`,
		);
		console.log(
			`\nmedian run, ${((median.t1 - median.t0) / 1000).toFixed(2)} ms (ms from the client's call; duration; process:connection)`,
		);
		const ms3 = (us: number) =>
			((us - median.t0) / 1000).toFixed(2).padStart(6);
		for (const { who, r } of median.inside) {
			const dur =
				r[2] === 0 ? "   ?  " : ((r[2] - r[1]) / 1000).toFixed(2).padStart(6);
			console.log(
				`${ms3(r[1])} ${dur} ${who.padEnd(6)}:${String(r[3]).padEnd(2)} ${r[0]} ${r[4]}`,
			);
		}
		console.log(`${ms3(median.t1)}        client: response`);
	}
} finally {
	await target.stop();
}
