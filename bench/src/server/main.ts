// `pnpm bench --server [--clients 16] [--seconds 8] [--turns 3] [--workers 1,2,4] [--no-langgraph]`
//   the server workload: SDK clients on loopback running the W3 loop against `langgraph dev`, `weft dev`
//   and `weft serve` + 1, 2, 4 `weft worker`, one after the other in one run; then the kill phase (workers
//   SIGKILLed under load). Prints the table with ratios; JSON in bench/results/server.json; the table in
//   docs/benchmarks.md (region `server`).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { replaceRegion } from "../runner/docs.ts";
import { load as loadAvg, machine } from "../runner/machine.ts";
import { round } from "../stats.ts";
import { kill } from "./kill.ts";
import { fmt, type LoadResult, load, p50p99, waitLatency } from "./load.ts";
import { type S1Row, s1Level, s1Table } from "./s1.ts";
import {
	langgraphDev,
	machineCpu,
	runWeftFrom,
	type Target,
	weftDev,
	weftServe,
} from "./targets.ts";

export interface ServerOptions {
	clients: number;
	seconds: number;
	turns: number;
	workers: number[];
	/** Runs each worker executes at once; default: the clients shared among the workers (rounded up). */
	concurrency: number | undefined;
	waitRuns: number;
	langgraph: boolean;
	killPhase: boolean;
	/** One more row: `weft serve` + the first worker count on a database with `synchronous_commit = off`. */
	asyncCommitRow: boolean;
	dbPrefix: string;
	write: boolean;
	/** Weft's processes from the source through tsx (`--source`) instead of the built CLI (the default). */
	source: boolean;
	/** S1 (WORKLOADS.md): its levels of clients, iterations a level; none: S1 not run. */
	s1: { levels: number[]; iterations: number } | undefined;
	/** Only S1 (no W3 load, no kill phase). */
	s1Only: boolean;
}

interface Measured {
	target: string;
	wait_ms: { p50: number; p99: number };
	load: Omit<LoadResult, "traces">;
	cpu_percent: Record<string, number>;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

async function measure(
	start: () => Promise<Target>,
	o: ServerOptions,
	waitRuns: number,
): Promise<Measured> {
	const target = await start();
	log(`${target.name}: ${target.url}`);
	try {
		// warm-up, not timed: every client runs two runs
		await load(target.url, o.clients, 0, o.turns, 2);
		const wait = await waitLatency(target.url, waitRuns, o.turns);
		const before = Object.fromEntries(
			Object.entries(target.cpu).map(([k, f]) => [k, f()]),
		);
		const clientBefore = process.cpuUsage();
		const machineBefore = machineCpu();
		const result = await load(target.url, o.clients, o.seconds, o.turns);
		const client = process.cpuUsage(clientBefore);
		const machineAfter = machineCpu();
		const cpu_percent: Record<string, number> = {};
		for (const [k, f] of Object.entries(target.cpu))
			cpu_percent[k] = round(((f() - before[k]!) / result.seconds) * 100, 0);
		cpu_percent.clients = round(
			((client.user + client.system) / 1e6 / result.seconds) * 100,
			0,
		);
		// all processes of the machine, ours and others' (n cores = n × 100 %)
		cpu_percent.machine = round(
			((machineAfter.busy - machineBefore.busy) /
				(machineAfter.total - machineBefore.total)) *
				100 *
				cpus().length,
			0,
		);
		const { traces: _, ...summary } = result;
		log(
			`  ${summary.runs_per_s} runs/s, runs.wait p50 ${p50p99(wait).p50} ms, cpu ${JSON.stringify(cpu_percent)}`,
		);
		return {
			target: target.name,
			wait_ms: p50p99(wait),
			load: summary,
			cpu_percent,
		};
	} finally {
		await target.stop();
	}
}

function table(rows: Measured[], base: Measured | undefined): string {
	const head = [
		"server",
		"runs/s",
		"× langgraph",
		"1st event p50 / p99 ms",
		"per step p50 / p99 ms",
		"runs.wait p50 ms",
		"langgraph ÷ this",
		"events lost / dup",
		`CPU % (api, workers, postgres, clients; machine of ${100 * cpus().length})`,
	];
	const lines = [
		`| ${head.join(" | ")} |`,
		`|${head.map(() => "---").join("|")}|`,
	];
	for (const r of rows) {
		const workers = Object.entries(r.cpu_percent)
			.filter(([k]) => k.startsWith("worker"))
			.map(([, v]) => v);
		const cpu = [
			r.cpu_percent.api,
			workers.length > 0 ? workers.join("+") : "–",
			r.cpu_percent.postgres ?? "–",
			`${r.cpu_percent.clients}; ${r.cpu_percent.machine}`,
		].join(", ");
		lines.push(
			`| ${[
				r.target,
				fmt(r.load.runs_per_s),
				base === undefined
					? "–"
					: `${round(r.load.runs_per_s / base.load.runs_per_s, 1)}×`,
				`${fmt(r.load.first_event_ms.p50)} / ${fmt(r.load.first_event_ms.p99)}`,
				`${fmt(r.load.step_ms.p50)} / ${fmt(r.load.step_ms.p99)}`,
				fmt(r.wait_ms.p50),
				base === undefined
					? "–"
					: `${round(base.wait_ms.p50 / r.wait_ms.p50, 1)}×`,
				`${r.load.events_lost} / ${r.load.events_duplicated}`,
				cpu,
			].join(" | ")} |`,
		);
	}
	return lines.join("\n");
}

/**
 * S1 against langgraph dev, weft dev and weft serve + 1 worker: each server started once, its levels run
 * one after the other (4 warm-up iterations before each).
 */
async function s1Phase(
	o: ServerOptions,
	s1: NonNullable<ServerOptions["s1"]>,
): Promise<{ rows: S1Row[]; base: S1Row | undefined }> {
	const targets: Array<() => Promise<Target>> = [
		...(o.langgraph
			? [() => langgraphDev(20_000 + ((process.pid + 1) % 10_000))]
			: []),
		weftDev,
		() =>
			weftServe({
				workers: 1,
				concurrency: slots(o, 1),
				dbPrefix: o.dbPrefix,
			}),
	];
	const rows: S1Row[] = [];
	for (const start of targets) {
		const target = await start();
		log(`S1, ${target.name}: ${target.url}`);
		try {
			const row: S1Row = { target: target.name, levels: [] };
			for (const clients of s1.levels) {
				const level = await s1Level(target.url, clients, s1.iterations, 4);
				log(
					`  ${clients} clients: ${level.iterations_per_s} iterations/s, ${level.waits_per_s} waits/s, waits p50 ${level.ask_ms.p50} / ${level.resume_ms.p50} ms, errors ${level.errors}`,
				);
				row.levels.push(level);
			}
			rows.push(row);
		} finally {
			await target.stop();
		}
	}
	return { rows, base: o.langgraph ? rows[0] : undefined };
}

/** Each worker's concurrency: as asked, or the clients shared among the workers (idle slots cost, see the doc). */
const slots = (o: ServerOptions, workers: number) =>
	o.concurrency ?? Math.ceil(o.clients / workers);

export async function serverBench(o: ServerOptions): Promise<void> {
	if (!o.source) {
		// as a deployment runs it: the built CLI and the packages it loads (turbo builds what changed)
		log(
			"building @weft/cli and what it loads (turbo): Weft runs from dist, as deployed",
		);
		execFileSync(
			"pnpm",
			["exec", "turbo", "run", "build", "--filter=@weft/cli..."],
			{
				cwd: join(import.meta.dirname, "../../.."),
				stdio: ["ignore", "ignore", "inherit"],
			},
		);
	}
	runWeftFrom(o.source ? "source" : "dist");
	const started = new Date().toISOString();
	const rows: Measured[] = [];
	let base: Measured | undefined;
	if (o.s1Only) {
		await writeS1(o, started);
		return;
	}
	if (o.langgraph) {
		base = await measure(
			() => langgraphDev(20_000 + (process.pid % 10_000)),
			o,
			Math.min(o.waitRuns, 10),
		);
		rows.push(base);
	}
	rows.push(await measure(weftDev, o, o.waitRuns));
	for (const workers of o.workers)
		rows.push(
			await measure(
				() =>
					weftServe({
						workers,
						concurrency: slots(o, workers),
						dbPrefix: o.dbPrefix,
					}),
				o,
				o.waitRuns,
			),
		);
	// evidence for where the time goes: the same as the first row of workers, commits not waiting for the disk
	if (o.asyncCommitRow)
		rows.push(
			await measure(
				() =>
					weftServe({
						workers: o.workers[0] ?? 1,
						concurrency: slots(o, o.workers[0] ?? 1),
						dbPrefix: o.dbPrefix,
						asyncCommit: true,
					}),
				o,
				o.waitRuns,
			),
		);
	const killed = o.killPhase
		? await kill({
				clients: o.clients,
				seconds: Math.max(o.seconds, 8),
				turns: o.turns,
				concurrency: slots(o, 3),
				dbPrefix: o.dbPrefix,
			})
		: undefined;

	const out = table(rows, base);
	const heading = `Server workload, ${started.slice(0, 16).replace("T", " ")} UTC, ${machine()}, load before ${loadAvg()}: ${o.clients} SDK clients, W3 loop with ${o.turns} tool turns (${2 * o.turns + 1} node steps a run), ${o.seconds} s per server, worker concurrency ${o.concurrency ?? `${o.clients} ÷ workers (rounded up)`}; Weft from ${o.source ? "source (tsx)" : "the built CLI"}.`;
	const killLine =
		killed === undefined
			? ""
			: `Kill under load (weft serve + 3 workers, ${o.clients} clients, ${killed.killed} workers SIGKILLed mid-load and replaced): ${killed.runs} runs, ${killed.taken_over} taken over by another worker, runs lost ${killed.runs_lost}, steps committed twice ${killed.steps_duplicated}, committed effects repeated ${killed.committed_effects_repeated} (effects of steps in flight at a kill re-run: ${killed.inflight_effects_rerun}), update events lost ${killed.events_lost} (in ${killed.runs_missing_events} runs) / duplicated ${killed.events_duplicated}.`;
	process.stdout.write(
		`\n${heading}\n\n${out}\n${killLine === "" ? "" : `\n${killLine}\n`}`,
	);
	if (o.write) {
		writeFileSync(
			join(import.meta.dirname, "../../results/server.json"),
			`${JSON.stringify({ started, machine: machine(), options: o, rows, kill: killed }, null, "\t")}\n`,
		);
		replaceRegion(
			"server",
			[heading, "", out, ...(killLine === "" ? [] : ["", killLine])].join("\n"),
		);
	}
	await writeS1(o, started);
}

/** Runs S1 (when asked), prints its table, and writes it (bench/results/s1.json, region `s1`). */
async function writeS1(o: ServerOptions, started: string): Promise<void> {
	if (o.s1 === undefined) return;
	const s1Started = new Date().toISOString();
	const { rows, base } = await s1Phase(o, o.s1);
	const heading = `S1 (WORKLOADS.md: threads.create, runs.wait to the question, runs.wait with command resume), ${s1Started.slice(0, 16).replace("T", " ")} UTC, ${machine()}, load before ${loadAvg()}: ${o.s1.iterations} iterations a level after 4 warm-ups; Weft from ${o.source ? "source (tsx)" : "the built CLI"}; weft serve with 1 worker of concurrency ${slots(o, 1)}.`;
	const out = s1Table(rows, base);
	process.stdout.write(`\n${heading}\n\n${out}\n`);
	if (!o.write) return;
	writeFileSync(
		join(import.meta.dirname, "../../results/s1.json"),
		`${JSON.stringify({ started: s1Started, bench_started: started, machine: machine(), options: o, rows }, null, "\t")}\n`,
	);
	replaceRegion("s1", [heading, "", out].join("\n"));
}
