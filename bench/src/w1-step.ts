// W1 per node-step in CPU time, for A/B comparisons on a busy machine (not part of `pnpm bench`).
//   node --expose-gc --import tsx bench/src/w1-step.ts [rounds=15] [runsPerRound=20] [plain|memory|both]
// Each round runs `runsPerRound` runs of the 100-node chain and measures the process's CPU time
// (user + system) and wall time; prints the median per node-step of each. CPU time is what the process
// used, so other processes on the machine disturb it much less than wall time.
import { MemoryCheckpointer } from "@weft/checkpoint";
import { chainGraph } from "./weft/chain.ts";

const [rounds = 15, perRound = 20] = process.argv.slice(2, 4).map(Number);
const which = process.argv[4] ?? "both";
const NODES = 100;

const build = (checkpointer?: MemoryCheckpointer) =>
	chainGraph(NODES, checkpointer);

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[s.length >> 1]!;
};

async function measure(label: string, saved: boolean) {
	const graph = build(saved ? new MemoryCheckpointer() : undefined);
	let n = 0;
	const once = async () => {
		const out = await graph.invoke(
			{ count: 0 },
			saved
				? { recursionLimit: NODES + 10, threadId: `t-${n++}` }
				: { recursionLimit: NODES + 10 },
		);
		if (out.count !== NODES) throw new Error(`count ${out.count}`);
	};
	for (let i = 0; i < perRound * 2; i++) await once();
	const cpu: number[] = [];
	const wall: number[] = [];
	for (let r = 0; r < rounds; r++) {
		(globalThis as { gc?: () => void }).gc?.();
		const c0 = process.cpuUsage();
		const w0 = performance.now();
		for (let i = 0; i < perRound; i++) await once();
		const dc = process.cpuUsage(c0);
		wall.push(((performance.now() - w0) * 1000) / (perRound * NODES));
		cpu.push((dc.user + dc.system) / (perRound * NODES));
	}
	process.stdout.write(
		`${label}: cpu ${median(cpu).toFixed(2)} µs/step (min ${Math.min(...cpu).toFixed(2)}), wall ${median(wall).toFixed(2)} µs/step (min ${Math.min(...wall).toFixed(2)})\n`,
	);
}

if (which !== "memory") await measure("W1a no store", false);
if (which !== "plain") await measure("W1b in-memory", true);
