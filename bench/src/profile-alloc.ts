// Bytes allocated per unit (collected objects included) and by which function, with the inspector's
// sampling heap profiler, from dist: W1a (node-step, no store), W1b (node-step, in-memory store) or W5
// (interrupt → resume cycle). On machines where touching new memory is slow (docs/benchmarks.md, "Page
// faults"), bytes allocated decide short timed sections more than instructions do.
//   node --expose-gc --import tsx bench/src/profile-alloc.ts [w1a|w1b|w5] [units=200]
import { MemoryCheckpointer } from "@weft/graph";
import { allocations } from "./profile-summary.ts";
import { chainGraph } from "./weft/chain.ts";
import { memoryCycles } from "./weft/w5-graph.ts";

const which = process.argv[2] ?? "w1b";
const runs = Number(process.argv[3] ?? 200);
let once: (i: number) => Promise<unknown>;
let perRun = 1;
if (which === "w5") {
	once = memoryCycles();
} else {
	const NODES = 100;
	perRun = NODES;
	const saved = which === "w1b";
	const graph = chainGraph(NODES, saved ? new MemoryCheckpointer() : undefined);
	once = (i) =>
		graph.invoke(
			{ count: 0 },
			saved
				? { recursionLimit: NODES + 10, threadId: `t${i}` }
				: { recursionLimit: NODES + 10 },
		);
}
for (let i = 0; i < 100; i++) await once(-1 - i);
const { total, self } = await allocations(runs, once);
const per = (bytes: number) => (bytes / runs / perRun).toFixed(0).padStart(7);
console.log(
	`${which}: ≈ ${per(total).trim()} bytes allocated per ${which === "w5" ? "cycle" : "node-step"}; by function:`,
);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
	console.log(`${per(bytes)} ${key}`);
