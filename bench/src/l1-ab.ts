// L1's agent, A/B in one process: two builds of @weft/graph (dist of two worktrees) loaded side by side,
// each with its worktree's @langchain/core and scripted model, their agent runs alternated round by round,
// CPU time per model call of each (not part of `pnpm bench`; the direct loop L1 subtracts is the same).
//   node --expose-gc --import tsx bench/src/l1-ab.ts <worktree A> <worktree B> [rounds=150] [runsPerRound=8]
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { alternateRounds } from "./ab-rounds.ts";

const [a, b] = process.argv.slice(2, 4) as [string, string];
const [rounds = 150, perRound = 8] = process.argv.slice(4, 6).map(Number);
const TURNS = 10;

const load = async <T>(root: string, path: string) =>
	(await import(pathToFileURL(join(root, path)).href)) as T;

async function engine(root: string) {
	const g = await load<typeof import("@weft/graph")>(
		root,
		"packages/graph/dist/index.js",
	);
	const llm = await load<typeof import("@weft/graph/llm")>(
		root,
		"packages/graph/dist/llm/index.js",
	);
	const script = await load<typeof import("./llm/scripted-agent-model.ts")>(
		root,
		"bench/src/llm/scripted-agent-model.ts",
	);
	// the worktree's own message classes: the ones its serializer registered
	const { HumanMessage } = await load<
		typeof import("@langchain/core/messages")
	>(root, "packages/graph/node_modules/@langchain/core/dist/messages/index.js");
	const agent = llm.createAgent({
		model: new script.ScriptedAgentModel(TURNS),
		tools: [script.lookup],
		checkpointer: new g.MemoryCheckpointer(),
	});
	let n = 0;
	return async () => {
		const out = await agent.invoke(
			{ messages: [new HumanMessage("look up every step")] },
			{ threadId: `l1-${n++}`, recursionLimit: 200 },
		);
		if (out.messages.length !== 2 + 2 * TURNS)
			throw new Error(`run ${n}: ${out.messages.length} messages`);
	};
}

// one operation is a run of TURNS + 1 model calls: the printout is per run
await alternateRounds([await engine(a), await engine(b)], {
	rounds,
	perRound,
	warmRounds: 25,
	gcEvery: 50,
	unit: `run (${TURNS + 1} model calls)`,
});
