// W5 in memory, CPU time per interrupt → resume cycle, for A/B comparisons on a busy machine (not part of
// `pnpm bench`).   node --expose-gc --import tsx bench/src/w5-cpu.ts [rounds=15] [cyclesPerRound=300]
// Each round runs `cyclesPerRound` cycles (pause, then resume from the store) and measures the process's
// CPU time (user + system); prints the median and minimum per cycle, and the pause / resume halves.
import { Command, MemoryCheckpointer } from "@weft/graph";
import { reviewGraph } from "./weft/w5-graph.ts";

const [rounds = 15, perRound = 300] = process.argv.slice(2, 4).map(Number);
const graph = reviewGraph(new MemoryCheckpointer());
let n = 0;
const cpu = () => {
	const u = process.cpuUsage();
	return u.user + u.system;
};
let pauseCpu = 0;
let resumeCpu = 0;
const cycle = async () => {
	const id = `t${n++}`;
	const c0 = cpu();
	const r = await graph.run({ request: id }, { threadId: id });
	const c1 = cpu();
	const out = await graph.invoke(new Command({ resume: "ok" }), {
		threadId: id,
	});
	resumeCpu += cpu() - c1;
	pauseCpu += c1 - c0;
	if (r.status !== "interrupted" || out.result !== `draft for ${id} [ok]`)
		throw new Error(`cycle ${id}: ${r.status} ${String(out.result)}`);
};
for (let i = 0; i < perRound * 2; i++) await cycle();
const total: number[] = [];
const pause: number[] = [];
const resume: number[] = [];
for (let r = 0; r < rounds; r++) {
	(globalThis as { gc?: () => void }).gc?.();
	pauseCpu = 0;
	resumeCpu = 0;
	const c0 = cpu();
	for (let i = 0; i < perRound; i++) await cycle();
	total.push((cpu() - c0) / perRound);
	pause.push(pauseCpu / perRound);
	resume.push(resumeCpu / perRound);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const f = (xs: number[]) => median(xs).toFixed(1);
process.stdout.write(
	`W5 memory: cpu ${f(total)} µs/cycle (min ${Math.min(...total).toFixed(1)}), pause ${f(pause)}, resume ${f(resume)}\n`,
);
