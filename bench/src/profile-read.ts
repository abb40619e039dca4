// Profiles W4-g, reading the state at checkpoint #100 of a 500-checkpoint agent loop (in-memory store), from dist.
//   node --expose-gc --import tsx bench/src/profile-read.ts [reads=2000]
import { Session } from "node:inspector/promises";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { agentLoop, firstInput } from "./weft/agent-loop.ts";

const LOOPS = 250;
const graph = agentLoop(new MemoryCheckpointer());
const thread = { threadId: "w4" };
await graph.invoke(firstInput(LOOPS), {
	...thread,
	recursionLimit: 2 * LOOPS + 10,
});
let forkPoint: string | undefined;
for await (const s of graph.getStateHistory(thread))
	if (s.values.messages.length === 101 && s.next[0] === "agent")
		forkPoint = s.checkpointId;
const read = () => graph.getState({ ...thread, checkpointId: forkPoint });
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
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes)
	for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<string, number>();
const incl = new Map<string, number>();
const name = (id: number) => {
	const n = byId.get(id)!;
	return `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/.*\/(packages|node_modules)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
};
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
const top = (m: Map<string, number>, n: number) =>
	[...m]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([k, v]) => `${((100 * v) / total).toFixed(1)}% ${k}`)
		.join("\n");
console.log(`self:\n${top(self, 25)}\n\ninclusive:\n${top(incl, 35)}`);
