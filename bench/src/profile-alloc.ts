// Bytes allocated per unit (collected objects included) and by which function, with the inspector's
// sampling heap profiler, from dist: W1a (node-step, no store), W1b (node-step, in-memory store) or W5
// (interrupt → resume cycle). On machines where touching new memory is slow (docs/benchmarks.md, "Page
// faults"), bytes allocated decide short timed sections more than instructions do.
//   node --expose-gc --import tsx bench/src/profile-alloc.ts [w1a|w1b|w5] [units=200]
import { Session } from "node:inspector/promises";
import {
	Command,
	END,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";
import { reviewGraph } from "./weft/w5-graph.ts";

interface HeapNode {
	callFrame: { functionName: string; url: string; lineNumber: number };
	selfSize: number;
	children: HeapNode[];
}

const which = process.argv[2] ?? "w1b";
const runs = Number(process.argv[3] ?? 200);
let once: (i: number) => Promise<unknown>;
let perRun = 1;
if (which === "w5") {
	const graph = reviewGraph(new MemoryCheckpointer());
	once = async (i) => {
		await graph.run({ request: `req-${i}` }, { threadId: `c${i}` });
		await graph.invoke(new Command({ resume: `ok-${i}` }), {
			threadId: `c${i}`,
		});
	};
} else {
	const NODES = 100;
	perRun = NODES;
	const names = Array.from({ length: NODES }, (_, i) => `n${i}`);
	const g = new StateGraph(z.object({ count: z.number() }), { nodes: names });
	for (let i = 0; i < NODES; i++)
		g.addNode(`n${i}`, (s) => ({ count: s.count + 1 }));
	g.addEdge(START, "n0");
	for (let i = 0; i + 1 < NODES; i++) g.addEdge(`n${i}`, `n${i + 1}`);
	g.addEdge(`n${NODES - 1}`, END);
	const saved = which === "w1b";
	const graph = g.compile(
		saved ? { checkpointer: new MemoryCheckpointer() } : {},
	);
	once = (i) =>
		graph.invoke(
			{ count: 0 },
			saved
				? { recursionLimit: NODES + 10, threadId: `t${i}` }
				: { recursionLimit: NODES + 10 },
		);
}
for (let i = 0; i < 100; i++) await once(-1 - i);
const s = new Session();
s.connect();
await s.post("HeapProfiler.enable");
await s.post("HeapProfiler.startSampling", {
	samplingInterval: 256,
	includeObjectsCollectedByMajorGC: true,
	includeObjectsCollectedByMinorGC: true,
});
for (let i = 0; i < runs; i++) await once(i);
const { profile } = await s.post("HeapProfiler.stopSampling");
const self = new Map<string, number>();
let total = 0;
const visit = (n: HeapNode) => {
	const { functionName, url, lineNumber } = n.callFrame;
	const key = `${functionName || "(anon)"} ${url.replace(/.*\/(packages|node_modules)\//, "$1/")}:${lineNumber + 1}`;
	self.set(key, (self.get(key) ?? 0) + n.selfSize);
	total += n.selfSize;
	for (const c of n.children) visit(c);
};
visit(profile.head as HeapNode);
const per = (bytes: number) => (bytes / runs / perRun).toFixed(0).padStart(7);
console.log(
	`${which}: ≈ ${per(total).trim()} bytes allocated per ${which === "w5" ? "cycle" : "node-step"}; by function:`,
);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
	console.log(`${per(bytes)} ${key}`);
