// W5 in memory, A/B in one process: two builds of @weft/graph (dist of two worktrees) loaded side by side,
// their cycles alternated round by round, CPU time per cycle of each (not part of `pnpm bench`).
//   node --expose-gc --import tsx bench/src/w5-ab.ts <worktree A> <worktree B> [rounds=40] [cyclesPerRound=100]
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { alternateRounds } from "./ab-rounds.ts";

const [a, b] = process.argv.slice(2, 4) as [string, string];
const [rounds = 40, perRound = 100] = process.argv.slice(4, 6).map(Number);

type Graph = typeof import("@weft/graph");
async function engine(root: string) {
	const g = (await import(
		pathToFileURL(join(root, "packages/graph/dist/index.js")).href
	)) as Graph;
	const graph = new g.StateGraph(
		z.object({
			request: z.string(),
			draft: z.string().optional(),
			approval: z.string().optional(),
			result: z.string().optional(),
		}),
	)
		.addNode("write_draft", (s) => ({ draft: `draft for ${s.request}` }))
		.addNode("review", async (s, ctx) => ({
			approval: await ctx.interrupt<string>({
				question: "approve?",
				draft: s.draft,
			}),
		}))
		.addNode("finish", (s) => ({ result: `${s.draft} [${s.approval}]` }))
		.addEdge(g.START, "write_draft")
		.addEdge("write_draft", "review")
		.addEdge("review", "finish")
		.addEdge("finish", g.END)
		.compile({ checkpointer: new g.MemoryCheckpointer() });
	let n = 0;
	return async () => {
		const id = `t${n++}`;
		const r = await graph.run({ request: id }, { threadId: id });
		const out = await graph.invoke(new g.Command({ resume: "ok" }), {
			threadId: id,
		});
		if (r.status !== "interrupted" || out.result !== `draft for ${id} [ok]`)
			throw new Error(`cycle ${id}`);
	};
}

await alternateRounds([await engine(a), await engine(b)], {
	rounds,
	perRound,
	warmRounds: 5,
	gcEvery: 1,
	unit: "cycle",
});
