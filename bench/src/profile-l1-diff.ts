// L1's overhead by function, compiled: the agent (createAgent, MemoryCheckpointer) and the direct loop on the
// scripted model, each profiled over `runs` runs after `warmup` of both, and the difference per model call.
//   node --expose-gc --import tsx bench/src/profile-l1-diff.ts [runs=1500] [warmup=500]
//   (from the build; add --conditions @weft/source for the source. TOP=n: how many functions, 50 by default;
//   LINES=1: each function with its line)
import { Session } from "node:inspector/promises";
import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import {
	directCalls,
	lookup,
	ScriptedAgentModel,
} from "./llm/scripted-agent-model.ts";

const TURNS = 10;
const CALLS = TURNS + 1;
const [runs = 1500, warmup = 500] = process.argv.slice(2).map(Number);
const model = new ScriptedAgentModel(TURNS);
const agent = createAgent({
	model,
	tools: [lookup],
	checkpointer: new MemoryCheckpointer(),
});
let thread = 0;
const sides = {
	direct: () => directCalls(model, new HumanMessage("look up every step")),
	agent: () =>
		agent.invoke(
			{ messages: [new HumanMessage("look up every step")] },
			{ threadId: `l1-${thread++}`, recursionLimit: 200 },
		),
};
for (let i = 0; i < warmup; i++) {
	await sides.direct();
	await sides.agent();
}

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 40 });

/** µs per model call by function (self time), and in all, over `runs` runs of one side. */
async function profile(run: () => Promise<unknown>) {
	(globalThis as { gc?: () => void }).gc?.();
	await session.post("Profiler.start");
	for (let i = 0; i < runs; i++) await run();
	const { profile: p } = await session.post("Profiler.stop");
	const byId = new Map(p.nodes.map((n) => [n.id, n]));
	const total = (p.endTime - p.startTime) / runs / CALLS;
	const perSample = total / (p.samples?.length ?? 1);
	const self = new Map<string, number>();
	for (const id of p.samples ?? []) {
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		const at = process.env.LINES === "1" ? `:${lineNumber + 1}` : "";
		const key = `${functionName || "(anon)"}${at} ${url.replace(/.*\/(packages|node_modules)\//, "$1/").replace(/^.*\.pnpm\/[^/]+\/node_modules\//, "")}`;
		self.set(key, (self.get(key) ?? 0) + perSample);
	}
	return { total, self };
}

const direct = await profile(sides.direct);
const withAgent = await profile(sides.agent);
console.log(
	`µs per model call: direct ${direct.total.toFixed(1)}, agent ${withAgent.total.toFixed(1)}, overhead ${(withAgent.total - direct.total).toFixed(1)}`,
);
const rows = [...new Set([...direct.self.keys(), ...withAgent.self.keys()])]
	.map((key) => ({
		key,
		more: (withAgent.self.get(key) ?? 0) - (direct.self.get(key) ?? 0),
		agent: withAgent.self.get(key) ?? 0,
	}))
	.sort((a, b) => b.more - a.more);
console.log("agent − direct, agent (µs per model call, self time):");
for (const r of rows.slice(0, Number(process.env.TOP ?? 50)))
	console.log(
		`${r.more.toFixed(2).padStart(7)} ${r.agent.toFixed(2).padStart(7)} ${r.key}`,
	);
