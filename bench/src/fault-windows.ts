// Where the time of a short timed section goes on this machine: per window of runs, wall time, the
// process's CPU time (all threads: the optimizing compiler and the GC run beside the main thread) and the
// minor page faults, with W1a's, W1b's and W5's warm-up and sizes, in a process prepared as `pnpm bench`
// prepares it (pretouch.ts; `BENCH_PRETOUCH=0` to compare). Not part of `pnpm bench`; see
// docs/benchmarks.md, "Page faults".
//   node --expose-gc --import tsx bench/src/fault-windows.ts [w1a|w1b|w5] [processes=3]
// Each process first measures what one fault costs here (a loop that allocates until the young generation
// has grown, timed with and without faults), then runs the workload and prints, per window,
// wall µs/CPU µs per unit (node-step or cycle):faults. W1b runs after W1a's runs, as in the bench.
import { spawnSync } from "node:child_process";
import { MemoryCheckpointer } from "@weft/graph";
import { gc, now } from "./measure.ts";
import { pretouchProcess } from "./pretouch.ts";
import { median } from "./stats.ts";
import { chainGraph } from "./weft/chain.ts";
import { memoryCycles } from "./weft/w5-graph.ts";

const faults = () => process.resourceUsage().minorPageFault;

/** µs per fault: rounds of the same allocation, those that faulted against those that did not. */
function faultCost(): number {
	const quiet: number[] = [];
	const faulted: Array<[ms: number, faults: number]> = [];
	const keep: unknown[] = [];
	for (let r = 0; r < 60; r++) {
		const f0 = faults();
		const t0 = now();
		for (let i = 0; i < 20_000; i++) {
			const o = { a: i, b: [i, i + 1], c: `x${i}` };
			if (i % 1000 === 0) keep.push(o);
		}
		const ms = now() - t0;
		const f = faults() - f0;
		if (f < 5) quiet.push(ms);
		else if (f > 50) faulted.push([ms, f]);
	}
	if (quiet.length === 0 || faulted.length === 0) return Number.NaN;
	const q = median(quiet);
	return median(faulted.map(([ms, f]) => ((ms - q) * 1000) / f));
}

/** One workload's warm-up, then its timed units in windows: "wall/cpu:faults" per window. */
async function windows(which: string) {
	let once: (i: number) => Promise<unknown>;
	let warmup: number;
	let count: number;
	let per: number;
	let window: number;
	if (which === "w5") {
		once = memoryCycles();
		[warmup, count, per, window] = [10, 200, 1, 20];
	} else {
		const limit = { recursionLimit: 110 };
		const plain = chainGraph(100);
		once = (_i) => plain.invoke({ count: 0 }, limit);
		[warmup, count, per, window] = [20, 200, 100, 20];
		if (which === "w1b") {
			// W1a's runs first, as bench/src/weft/w1.ts does
			for (let i = 0; i < warmup + count; i++) await once(i);
			const graph = chainGraph(100, new MemoryCheckpointer());
			once = (i) => graph.invoke({ count: 0 }, { ...limit, threadId: `t${i}` });
			[warmup, count, per, window] = [5, 50, 100, 5];
		}
	}
	for (let i = 0; i < warmup; i++) await once(-1 - i);
	gc();
	const rows: string[] = [];
	let total = 0;
	let totalFaults = 0;
	for (let w = 0; w < count; w += window) {
		const f0 = faults();
		const c0 = process.cpuUsage();
		const t0 = now();
		for (let i = w; i < w + window; i++) await once(i);
		const ms = now() - t0;
		const c = process.cpuUsage(c0);
		const f = faults() - f0;
		total += ms;
		totalFaults += f;
		const unit = (us: number) => (us / (window * per)).toFixed(1);
		rows.push(`${unit(ms * 1000)}/${unit(c.user + c.system)}:${f}`);
	}
	return {
		usPerUnit: (total * 1000) / (count * per),
		faults: totalFaults,
		rows,
	};
}

const [which = "w1b", processes = "3"] = process.argv.slice(2);
if (process.env.FAULT_WINDOWS_CHILD === "1") {
	const cost = faultCost();
	if (process.env.BENCH_PRETOUCH !== "0") pretouchProcess();
	const w = await windows(which);
	process.stdout.write(
		`${JSON.stringify({ cost, us: w.usPerUnit, faults: w.faults, rows: w.rows })}\n`,
	);
} else {
	const unit = which === "w5" ? "µs/cycle" : "µs/step";
	console.log(
		`${which}: each process: a fault's cost here, then the timed section (wall/CPU ${unit}:faults per window)`,
	);
	for (let p = 0; p < Number(processes); p++) {
		const child = spawnSync(
			process.execPath,
			[...process.execArgv, import.meta.filename, which],
			{ env: { ...process.env, FAULT_WINDOWS_CHILD: "1" }, encoding: "utf8" },
		);
		if (child.status !== 0) throw new Error(child.stderr);
		const r = JSON.parse(child.stdout) as {
			cost: number;
			us: number;
			faults: number;
			rows: string[];
		};
		console.log(
			`  fault ≈ ${r.cost.toFixed(1)} µs; section ${r.us.toFixed(2)} ${unit}, ${r.faults} faults (≈ ${((r.faults * r.cost) / 1000).toFixed(1)} ms of them): ${r.rows.join(" ")}`,
		);
	}
}
