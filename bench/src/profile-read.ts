// Profiles W4-g, reading the state at checkpoint #100 of a 500-checkpoint agent loop (in-memory store), from dist.
//   node --expose-gc --import tsx bench/src/profile-read.ts [reads=2000]
import { Session } from "node:inspector/promises";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { printProfile } from "./profile-summary.ts";
import { w4CheckpointAt100 } from "./weft/agent-loop.ts";

const { graph, thread, at } = await w4CheckpointAt100(new MemoryCheckpointer());
const read = () => graph.getState({ ...thread, checkpointId: at });
for (let i = 0; i < 300; i++) await read();
const reads = Number(process.argv[2] ?? 2000);
const s = new Session();
s.connect();
await s.post("Profiler.enable");
await s.post("Profiler.setSamplingInterval", { interval: 50 });
await s.post("Profiler.start");
const c0 = process.cpuUsage();
for (let i = 0; i < reads; i++) await read();
const dc = process.cpuUsage(c0);
const { profile } = await s.post("Profiler.stop");
console.log(`cpu ${((dc.user + dc.system) / reads).toFixed(1)} µs/read`);
printProfile(profile);
