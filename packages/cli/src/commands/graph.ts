import { Command } from "commander";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { loadGraph } from "../load-graph.ts";
import { drawGraph, parseMermaid } from "../render/graph-drawing.ts";

/** `weft graph <module> [--mermaid]`: the graph's nodes and edges, drawn, or as Mermaid. */
export async function graph(
	module: string,
	opts: { mermaid?: boolean },
	env: CommandEnv,
): Promise<number> {
	const { graph, ref } = await loadGraph(module, undefined, process.cwd());
	const mermaid = graph.toMermaid();
	if (env.out.json) {
		const p = parseMermaid(mermaid);
		env.out.result(
			{
				graph: ref,
				nodes: [...p.labels.entries()].map(([id, label]) => ({
					id,
					label,
					...(p.subgraphs.has(id) ? { subgraph: p.subgraphs.get(id) } : {}),
				})),
				edges: p.edges,
				mermaid,
			},
			() => "",
		);
		return 0;
	}
	env.out.line(opts.mermaid === true ? mermaid.trimEnd() : drawGraph(mermaid));
	return 0;
}

export const graphCommand = (act: Act) =>
	withExamples(
		new Command("graph")
			.argument(
				"<module>",
				"a module exporting a compiled graph (path[#export])",
			)
			.description(
				"draw a graph: boxes and arrows (┄┄▶ conditional edges and ends), or Mermaid",
			)
			.option(
				"--mermaid",
				"print a Mermaid flowchart (paste it into a Markdown file)",
			)
			.action(
				act((env, module: string, o: { mermaid?: boolean }) =>
					graph(module, o, env),
				),
			),
		[
			"weft graph src/agent.ts",
			"weft graph src/agent.ts --mermaid > graph.mmd",
			"weft graph src/agent.ts --json",
		],
	);
