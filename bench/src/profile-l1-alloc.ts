// Where L1 allocates: a sampling heap profile of the createAgent ReAct loop (in-memory store), or of the
// direct loop that L1 subtracts; KB allocated per model call by function (self and inclusive). Unlike CPU
// time, allocation does not change with the machine's load, so two builds compare on a busy machine too.
//   node --import tsx bench/src/profile-l1-alloc.ts [agent|direct] [runs=300]   (TOP=n: rows per list)
import { HumanMessage } from "@langchain/core/messages";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import {
	directCalls,
	lookup,
	ScriptedAgentModel,
} from "./llm/scripted-agent-model.ts";
import { allocations } from "./profile-summary.ts";

const TURNS = 10;
const mode = process.argv[2] ?? "agent";
const runs = Number(process.argv[3] ?? 300);
const model = new ScriptedAgentModel(TURNS);
const agent = createAgent({
	model,
	tools: [lookup],
	checkpointer: new MemoryCheckpointer(),
});
let n = 0;
const run = () =>
	mode === "direct"
		? directCalls(model, new HumanMessage("look up every step"))
		: agent.invoke(
				{ messages: [new HumanMessage("look up every step")] },
				{ threadId: `l1-${n++}`, recursionLimit: 200 },
			);
for (let i = 0; i < 300; i++) await run();
const { total, self, inclusive: incl } = await allocations(runs, run);
const kb = (b: number) =>
	(b / runs / (TURNS + 1) / 1024).toFixed(2).padStart(7);
const top = Number(process.env.TOP ?? 40);
const rows = (m: Map<string, number>) =>
	[...m]
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([k, v]) => `${kb(v)} ${k}`)
		.join("\n");
console.log(`${mode}: ${kb(total).trim()} KB allocated per model call`);
console.log(`self:\n${rows(self)}\n\ninclusive:\n${rows(incl)}`);
