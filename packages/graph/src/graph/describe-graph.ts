import { END, START } from "../constants.ts";
import type { GraphSpec } from "./validate-graph.ts";

/** How control can pass along an edge. */
export type GraphEdgeKind = "edge" | "join" | "conditional" | "ends";

/** A node of `graph.describe()`: ids of a subgraph's nodes are `parent/name`. */
export interface GraphNodeDescription {
	id: string;
	name: string;
	/** The subgraph node this one belongs to, or null at the top. */
	parent: string | null;
	/** The node runs a compiled subgraph (its nodes follow with this node as parent). */
	subgraph: boolean;
}

export interface GraphEdgeDescription {
	source: string;
	target: string;
	/** `edge`: always; `join`: once all its sources ran; `conditional`: a router may pick it; `ends`: a `Command.goto` may. */
	kind: GraphEdgeKind;
	/** The router's key for a conditional edge with a path map. */
	label?: string | undefined;
}

/** The graph's structure as data (what `toMermaid()` draws), for tools that lay it out themselves. */
export interface GraphDescription {
	nodes: GraphNodeDescription[];
	edges: GraphEdgeDescription[];
}

const START_ID = "__start__";
const END_ID = "__end__";

export function describeGraph(
	spec: GraphSpec,
	subgraphOf: (node: string) => GraphSpec | undefined,
): GraphDescription {
	const out: GraphDescription = {
		nodes: [
			{ id: START_ID, name: START_ID, parent: null, subgraph: false },
			{ id: END_ID, name: END_ID, parent: null, subgraph: false },
		],
		edges: [],
	};
	walk(spec, subgraphOf, out, null);
	return out;
}

function walk(
	spec: GraphSpec,
	subgraphOf: (node: string) => GraphSpec | undefined,
	out: GraphDescription,
	parent: string | null,
): void {
	const prefix = parent === null ? "" : `${parent}/`;
	const ref = (n: string) =>
		`${prefix}${n === START ? START_ID : n === END ? END_ID : n}`;
	if (parent !== null)
		for (const name of [START_ID, END_ID])
			out.nodes.push({ id: ref(name), name, parent, subgraph: false });
	for (const name of spec.nodes.keys()) {
		const sub = parent === null ? subgraphOf(name) : undefined;
		out.nodes.push({
			id: ref(name),
			name,
			parent,
			subgraph: sub !== undefined,
		});
		if (sub !== undefined) walk(sub, () => undefined, out, ref(name));
	}
	const edge = (
		from: string,
		to: string,
		kind: GraphEdgeKind,
		label?: string,
	) =>
		out.edges.push({
			source: ref(from),
			target: ref(to),
			kind,
			...(label === undefined ? {} : { label }),
		});
	for (const [from, to] of spec.edges) edge(from, to, "edge");
	for (const join of spec.joins)
		for (const s of join.sources) edge(s, join.target, "join");
	for (const b of spec.branches) {
		if (b.pathMap !== undefined)
			for (const [label, to] of Object.entries(b.pathMap))
				edge(b.from, to, "conditional", label);
		else
			for (const to of b.ends ?? [...spec.nodes.keys(), END])
				edge(b.from, to, "conditional");
	}
	for (const node of spec.nodes.values())
		for (const to of node.options.ends ?? []) edge(node.name, to, "ends");
}
