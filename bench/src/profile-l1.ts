// Profiles L1, the createAgent ReAct loop on the scripted model (in-memory store), in-process, from source.
//   node --conditions @weft/source --expose-gc --import tsx bench/src/profile-l1.ts [runs=400] [warmup=200] [--no-profile]
//   (TOP=n: how many functions each list shows, 60 by default)
// Prints the CPU per model call of the profiled runs (11 model calls a run), then where the time goes.
import { Session } from "node:inspector/promises";
import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { lookup, ScriptedAgentModel } from "./llm/scripted-agent-model.ts";
import { printProfile } from "./profile-summary.ts";

const TURNS = 10;
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const profile = !process.argv.includes("--no-profile");
const runs = Number(args[0] ?? 400);
const warmup = Number(args[1] ?? 200);
const agent = createAgent({
	model: new ScriptedAgentModel(TURNS),
	tools: [lookup],
	checkpointer: new MemoryCheckpointer(),
});
let n = 0;
const run = () =>
	agent.invoke(
		{ messages: [new HumanMessage("look up every step")] },
		{ threadId: `l1-${n++}`, recursionLimit: 200 },
	);
for (let i = 0; i < warmup; i++) await run();
const s = new Session();
if (profile) {
	s.connect();
	await s.post("Profiler.enable");
	await s.post("Profiler.setSamplingInterval", { interval: 50 });
	await s.post("Profiler.start");
}
const c0 = process.cpuUsage();
for (let i = 0; i < runs; i++) await run();
const dc = process.cpuUsage(c0);
console.log(
	`cpu ${((dc.user + dc.system) / runs / (TURNS + 1)).toFixed(1)} µs/model call`,
);
if (profile)
	printProfile(
		(await s.post("Profiler.stop")).profile,
		Number(process.env.TOP ?? 60),
	);
