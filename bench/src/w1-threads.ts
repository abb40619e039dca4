// W1 as the workload runs it (prepared as `pnpm bench` prepares a process: 20 + 200 runs without a store,
// then 5 + 50 with MemoryCheckpointer), with each timed section's CPU time by thread besides its wall time:
// the main thread's, and the process's (V8's worker threads: the optimizing compiler, GC helpers). CPU
// time a thread spends waiting for a core is not counted, so on a busy machine the main thread's figure
// moves much less than wall time. Linux only (/proc/<pid>/task/*/schedstat). Not part of `pnpm bench`;
// see docs/benchmarks.md ("W1b's section by thread"). Prints one JSON line, µs per node-step.
//   node --expose-gc --import tsx bench/src/w1-threads.ts
// For an A/B, run it alternately in two built worktrees and compare the medians and paired differences.
import { readdirSync, readFileSync } from "node:fs";
import { MemoryCheckpointer } from "@weft/graph";
import { gc, now } from "./measure.ts";
import { pretouchProcess } from "./pretouch.ts";
import { chainGraph } from "./weft/chain.ts";

const NODES = 100;

/** On-CPU nanoseconds of each thread of this process, by thread id. */
function threadNs(): Map<string, number> {
	const out = new Map<string, number>();
	for (const tid of readdirSync("/proc/self/task")) {
		try {
			const stat = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8");
			out.set(tid, Number(stat.split(" ")[0]));
		} catch {
			// the thread ended meanwhile
		}
	}
	return out;
}

/** Times `runs` calls of `once`: wall, main-thread and process CPU µs per node-step. */
async function section(runs: number, once: (i: number) => Promise<unknown>) {
	const main = String(process.pid);
	gc();
	const before = threadNs();
	const t0 = now();
	for (let i = 0; i < runs; i++) await once(i);
	const wall = now() - t0;
	const after = threadNs();
	let all = 0;
	for (const [tid, ns] of after) all += ns - (before.get(tid) ?? 0);
	const steps = runs * NODES;
	const us = (x: number) => Math.round(x * 100) / 100;
	return {
		wall: us((wall * 1000) / steps),
		mainThread: us((after.get(main)! - before.get(main)!) / 1000 / steps),
		process: us(all / 1000 / steps),
	};
}

pretouchProcess();
const limit = { recursionLimit: NODES + 10 };
const plain = chainGraph(NODES);
for (let i = 0; i < 20; i++) await plain.invoke({ count: 0 }, limit);
const w1a = await section(200, () => plain.invoke({ count: 0 }, limit));
const saved = chainGraph(NODES, new MemoryCheckpointer());
for (let i = 0; i < 5; i++)
	await saved.invoke({ count: 0 }, { ...limit, threadId: `warm-${i}` });
const w1b = await section(50, (i) =>
	saved.invoke({ count: 0 }, { ...limit, threadId: `t-${i}` }),
);
process.stdout.write(`${JSON.stringify({ w1a, w1b })}\n`);
