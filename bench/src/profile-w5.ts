// Profiles W5's in-memory interrupt → resume cycle (the measured part only), from dist: where a cycle goes.
//   node --expose-gc --import tsx bench/src/profile-w5.ts [cycles=2000]
import { Session } from "node:inspector/promises";
import { Command, MemoryCheckpointer } from "@weft/graph";
import { printProfile } from "./profile-summary.ts";
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
printProfile(profile);
