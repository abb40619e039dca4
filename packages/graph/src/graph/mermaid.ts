import { END, START } from "../constants.ts";
import type { GraphSpec } from "./validate-graph.ts";

const id = (name: string) =>
	name === START
		? "__start__"
		: name === END
			? "__end__"
			: name.replace(/[^A-Za-z0-9_]/g, "_");

/**
 * A Mermaid flowchart: solid arrows for edges, dotted for conditional edges and `Command.goto` ends,
 * joins as arrows labelled "all of", subgraphs as nested blocks.
 */
export function toMermaid(
	spec: GraphSpec,
	subgraphOf: (node: string) => GraphSpec | undefined,
): string {
	const lines = ["flowchart TD", `  __start__([start])`, `  __end__([end])`];
	render(spec, subgraphOf, lines, "  ", "");
	return `${lines.join("\n")}\n`;
}

function render(
	spec: GraphSpec,
	subgraphOf: (node: string) => GraphSpec | undefined,
	lines: string[],
	pad: string,
	prefix: string,
): void {
	const ref = (n: string) =>
		n === START || n === END
			? prefix === ""
				? id(n)
				: `${prefix}${id(n)}`
			: `${prefix}${id(n)}`;
	if (prefix !== "")
		lines.push(`${pad}${ref(START)}([start])`, `${pad}${ref(END)}([end])`);
	for (const name of spec.nodes.keys()) {
		const sub = subgraphOf(name);
		if (sub === undefined) {
			lines.push(`${pad}${ref(name)}[${name}]`);
			continue;
		}
		lines.push(`${pad}subgraph ${ref(name)}[${name}]`);
		render(sub, () => undefined, lines, `${pad}  `, `${ref(name)}__`);
		lines.push(`${pad}end`);
	}
	for (const [from, to] of spec.edges)
		lines.push(`${pad}${ref(from)} --> ${ref(to)}`);
	for (const join of spec.joins)
		for (const s of join.sources)
			lines.push(`${pad}${ref(s)} -->|all of| ${ref(join.target)}`);
	for (const b of spec.branches) {
		const targets =
			b.pathMap !== undefined
				? Object.entries(b.pathMap)
				: (b.ends ?? [...spec.nodes.keys(), END]).map(
						(t) => [undefined, t] as const,
					);
		for (const [label, to] of targets)
			lines.push(
				`${pad}${ref(b.from)} -.${label === undefined ? "" : `->|${label}|`}${label === undefined ? "-> " : " "}${ref(to)}`,
			);
	}
	for (const node of spec.nodes.values())
		for (const to of node.options.ends ?? [])
			lines.push(`${pad}${ref(node.name)} -.-> ${ref(to)}`);
}
