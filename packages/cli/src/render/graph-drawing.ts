/**
 * Draws a graph in the terminal from its Mermaid flowchart (`graph.toMermaid()`): each node a box, in
 * the order a run reaches them, with its outgoing edges as arrows to the right: `──▶` for fixed edges,
 * `┄┄▶` for conditional edges and `Command.goto` ends, `══▶ (all of)` for join edges. Subgraph nodes
 * are drawn as double boxes with their own nodes listed.
 */

interface Edge {
	from: string;
	to: string;
	kind: "edge" | "conditional" | "join";
	label?: string;
}

interface Parsed {
	labels: Map<string, string>;
	subgraphs: Map<string, string[]>;
	edges: Edge[];
}

/** Reads the flowchart `toMermaid()` writes (top level only; subgraph contents become a node list). */
export function parseMermaid(text: string): Parsed {
	const labels = new Map<string, string>();
	const subgraphs = new Map<string, string[]>();
	const edges: Edge[] = [];
	let inside: string | undefined;
	for (const raw of text.split("\n").slice(1)) {
		const line = raw.trim();
		const sub = /^subgraph (\S+)\[(.*)\]$/.exec(line);
		if (sub !== null) {
			inside = sub[1]!;
			labels.set(inside, sub[2]!);
			subgraphs.set(inside, []);
			continue;
		}
		if (line === "end") {
			inside = undefined;
			continue;
		}
		const node = /^(\S+?)(?:\(\[(.*)\]\)|\[(.*)\])$/.exec(line);
		if (node !== null) {
			if (inside === undefined) labels.set(node[1]!, node[2] ?? node[3]!);
			else if (!/__(start|end)__$/.test(node[1]!))
				subgraphs.get(inside)!.push(node[3] ?? node[2]!);
			continue;
		}
		if (inside !== undefined) continue;
		const edge = /^(\S+) (-->\|all of\||-->|-\.->\|(.*)\||-\.->) (\S+)$/.exec(
			line,
		);
		if (edge === null) continue;
		const arrow = edge[2]!;
		edges.push({
			from: edge[1]!,
			to: edge[4]!,
			kind: arrow.startsWith("-->|")
				? "join"
				: arrow === "-->"
					? "edge"
					: "conditional",
			...(edge[3] === undefined ? {} : { label: edge[3] }),
		});
	}
	return { labels, subgraphs, edges };
}

/** Nodes in the order a breadth-first walk from start reaches them (unreachable ones last, end at the end). */
function order(p: Parsed): string[] {
	const seen = new Set<string>(["__start__"]);
	const queue = ["__start__"];
	for (let i = 0; i < queue.length; i++)
		for (const e of p.edges)
			if (e.from === queue[i] && !seen.has(e.to) && e.to !== "__end__") {
				seen.add(e.to);
				queue.push(e.to);
			}
	const rest = [...p.labels.keys()].filter(
		(n) => !seen.has(n) && n !== "__end__",
	);
	return [...queue, ...rest, "__end__"];
}

const ARROWS = { edge: "──▶", conditional: "┄┄▶", join: "══▶" } as const;

export function drawGraph(mermaid: string): string {
	const p = parseMermaid(mermaid);
	const name = (id: string) => p.labels.get(id) ?? id;
	const nodes = order(p);
	const width = Math.max(...nodes.map((n) => name(n).length)) + 2;
	const out: string[] = [];
	for (const n of nodes) {
		const label = name(n);
		const pad = width - label.length;
		const text =
			" ".repeat(Math.floor(pad / 2)) + label + " ".repeat(Math.ceil(pad / 2));
		const sub = p.subgraphs.get(n);
		const [tl, tr, bl, br, h, v] =
			n === "__start__" || n === "__end__"
				? ["╭", "╮", "╰", "╯", "─", "│"]
				: sub !== undefined
					? ["╔", "╗", "╚", "╝", "═", "║"]
					: ["┌", "┐", "└", "┘", "─", "│"];
		const outgoing = p.edges.filter((e) => e.from === n);
		const groups = (["edge", "join", "conditional"] as const)
			.map((kind) => {
				const es = outgoing.filter((e) => e.kind === kind);
				if (es.length === 0) return undefined;
				const targets = es.map((e) =>
					e.label === undefined ? name(e.to) : `${name(e.to)} (${e.label})`,
				);
				const note =
					kind === "conditional"
						? " (conditional)"
						: kind === "join"
							? " (all of its sources)"
							: "";
				return ` ${ARROWS[kind]} ${targets.join(kind === "conditional" ? " | " : ", ")}${note}`;
			})
			.filter((g): g is string => g !== undefined);
		out.push(`${tl}${h.repeat(width)}${tr}`);
		out.push(`${v}${text}${v}${groups[0] ?? ""}`);
		for (const g of groups.slice(1)) out.push(`${" ".repeat(width + 2)}${g}`);
		if (sub !== undefined && sub.length > 0)
			out.push(`${v}${` ${sub.join(", ")}`.padEnd(width).slice(0, width)}${v}`);
		out.push(`${bl}${h.repeat(width)}${br}`);
	}
	return out.join("\n");
}
