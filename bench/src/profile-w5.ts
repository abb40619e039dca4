// Profiles W5's in-memory interrupt → resume cycle (the measured part only), from dist: where a cycle goes.
//   node --expose-gc --import tsx bench/src/profile-w5.ts [cycles=2000]
import { Session } from "node:inspector/promises";
import { Command, MemoryCheckpointer } from "@weft/graph";
import { reviewGraph } from "./weft/w5-graph.ts";

const graph = reviewGraph(new MemoryCheckpointer());
let n = 0;
const cycle = async () => {
	const id = `t${n++}`;
	await graph.run({ request: id }, { threadId: id });
	await graph.invoke(new Command({ resume: "ok" }), { threadId: id });
};
for (let i = 0; i < 500; i++) await cycle();
const cycles = Number(process.argv[2] ?? 2000);
const s = new Session();
s.connect();
await s.post("Profiler.enable");
await s.post("Profiler.setSamplingInterval", { interval: 50 });
await s.post("Profiler.start");
const c0 = process.cpuUsage();
for (let i = 0; i < cycles; i++) await cycle();
const dc = process.cpuUsage(c0);
const { profile } = await s.post("Profiler.stop");
console.log(`cpu ${((dc.user + dc.system) / cycles).toFixed(1)} µs/cycle`);
const byId = new Map(profile.nodes.map((x) => [x.id, x]));
const parent = new Map<number, number>();
for (const x of profile.nodes)
	for (const c of x.children ?? []) parent.set(c, x.id);
const name = (id: number) => {
	const x = byId.get(id)!;
	return `${x.callFrame.functionName || "(anon)"} ${x.callFrame.url.replace(/.*\/(packages|node_modules)\//, "$1/")}:${x.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const incl = new Map<string, number>();
for (const id of profile.samples ?? []) {
	self.set(name(id), (self.get(name(id)) ?? 0) + 1);
	const seen = new Set<string>();
	for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
		const k = name(x);
		if (seen.has(k)) continue;
		seen.add(k);
		incl.set(k, (incl.get(k) ?? 0) + 1);
	}
}
const total = profile.samples?.length ?? 1;
const top = (m: Map<string, number>, k: number) =>
	[...m]
		.sort((a, b) => b[1] - a[1])
		.slice(0, k)
		.map(([key, v]) => `${((100 * v) / total).toFixed(1)}% ${key}`)
		.join("\n");
console.log(`self:\n${top(self, 30)}\n\ninclusive:\n${top(incl, 50)}`);
