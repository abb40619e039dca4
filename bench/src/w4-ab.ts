// W4-g in memory, A/B in one process: two builds of @weft/graph (dist of two worktrees) loaded side by side,
// each with W4's thread (250 loops), reading the state at checkpoint #100 alternated round by round: CPU time
// per read of each (not part of `pnpm bench`).
//   node --expose-gc --import tsx bench/src/w4-ab.ts <worktree A> <worktree B> [rounds=30] [readsPerRound=100]
// On a loaded machine, many rounds of one read each pair the two builds most closely (2000 1).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { alternateRounds } from "./ab-rounds.ts";
import { text } from "./measure.ts";

const [a, b] = process.argv.slice(2, 4) as [string, string];
const [rounds = 30, perRound = 100] = process.argv.slice(4, 6).map(Number);

type Graph = typeof import("@weft/graph");
type Llm = typeof import("@weft/graph/llm");
type Messages = typeof import("@langchain/core/messages");

/** The module a worktree's own `import "@langchain/core/messages"` loads (the classes its store revives). */
async function langchainOf(root: string): Promise<Messages> {
	const require = createRequire(join(root, "packages/graph/package.json"));
	const manifest = require.resolve("@langchain/core/package.json");
	const entry = JSON.parse(readFileSync(manifest, "utf8")).exports["./messages"]
		.import;
	const file = join(
		dirname(manifest),
		typeof entry === "string" ? entry : entry.default,
	);
	return (await import(pathToFileURL(file).href)) as Messages;
}

async function engine(root: string) {
	const dist = join(root, "packages/graph/dist");
	const g = (await import(pathToFileURL(join(dist, "index.js")).href)) as Graph;
	const llm = (await import(
		pathToFileURL(join(dist, "llm/index.js")).href
	)) as Llm;
	const m = await langchainOf(root);
	const graph = new g.StateGraph(
		z.object({
			messages: llm.messages(),
			loops: z.number().default(0),
			maxLoops: z.number(),
		}),
	)
		.addNode("agent", (s) => {
			const k = s.loops + 1;
			return {
				messages: [
					new m.AIMessage({
						content: text(`agent turn ${k}:`),
						tool_calls: [
							{
								id: `call_${k}`,
								name: "lookup",
								args: { step: k },
								type: "tool_call",
							},
						],
					}),
				],
			};
		})
		.addNode("tools", (s) => {
			const k = s.loops + 1;
			return {
				messages: [
					new m.ToolMessage({
						content: text(`tool result ${k}:`),
						tool_call_id: `call_${k}`,
						name: "lookup",
					}),
				],
				loops: k,
			};
		})
		.addEdge(g.START, "agent")
		.addEdge("agent", "tools")
		.addConditionalEdges(
			"tools",
			(s) => (s.loops >= s.maxLoops ? g.END : "agent"),
			["agent", g.END],
		)
		.compile({ checkpointer: new g.MemoryCheckpointer() });
	const thread = { threadId: "w4" };
	await graph.invoke(
		{
			messages: [new m.HumanMessage(text("user request:"))],
			loops: 0,
			maxLoops: 250,
		},
		{ ...thread, recursionLimit: 510 },
	);
	let at: string | undefined;
	for await (const s of graph.getStateHistory(thread))
		if (s.values.messages.length === 101 && s.next[0] === "agent")
			at = s.checkpointId;
	if (at === undefined) throw new Error("no checkpoint #100");
	return async () => {
		const s = await graph.getState({ ...thread, checkpointId: at });
		if (s.values.messages.length !== 101) throw new Error("state at #100");
	};
}

await alternateRounds([await engine(a), await engine(b)], {
	rounds,
	perRound,
	warmRounds: 3,
	gcEvery: 20,
	unit: "read",
});
