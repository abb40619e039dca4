import { GraphValidationError, isWellFormed } from "@weft/checkpoint";
import type { Route } from "../command.ts";
import { END, RESERVED_NAMES, START } from "../constants.ts";
import { shown } from "../shown.ts";
import { checkNodeOptions } from "./check-node-options.ts";
import type { NodeOptions } from "./types.ts";

/** A node as the builder recorded it. */
export interface NodeSpec {
	name: string;
	fn?: (input: unknown, ctx: any) => unknown;
	subgraph?: object;
	options: NodeOptions<any>;
}

export interface JoinSpec {
	id: string;
	sources: string[];
	target: string;
}

export interface BranchSpec {
	from: string;
	router: (state: unknown, ctx: unknown) => Route | Promise<Route>;
	pathMap: Record<string, string> | undefined;
	ends: string[] | undefined;
}

/** Everything the builder collected. */
export interface GraphSpec {
	nodes: Map<string, NodeSpec>;
	duplicates: string[];
	edges: Array<[from: string, to: string]>;
	joins: JoinSpec[];
	branches: BranchSpec[];
	declared: string[] | undefined;
}

function fail(
	code: ConstructorParameters<typeof GraphValidationError>[0],
	message: string,
	hint: string,
): never {
	throw new GraphValidationError(code, message, { hint });
}

/** Finds graph mistakes before anything runs. */
export function validateGraph(
	spec: GraphSpec,
	options: {
		interruptBefore?: readonly string[] | undefined;
		interruptAfter?: readonly string[] | undefined;
	},
): void {
	const names = spec.nodes;
	for (const name of spec.duplicates) {
		fail(
			"DUPLICATE_NODE",
			`node "${name}" is added twice`,
			"give each node its own name",
		);
	}
	for (const name of names.keys()) {
		if (typeof name !== "string")
			fail(
				"INVALID_GRAPH",
				`a node name must be a string, not ${shown(name)}`,
				'pass addNode("name", fn)',
			);
		if (
			RESERVED_NAMES.has(name) ||
			name.includes(":") ||
			name.includes("#") ||
			name === ""
		) {
			fail(
				"RESERVED_NODE_NAME",
				`"${name}" cannot be a node name`,
				'START, END, "__proto__", "" and names with ":" or "#" are reserved',
			);
		}
		// a checkpoint's metadata names its nodes, and Postgres' jsonb refuses both (the run failed there)
		if (name.includes("\0") || !isWellFormed(name))
			fail(
				"INVALID_GRAPH",
				`node name ${JSON.stringify(name)} holds a NUL character or a lone surrogate`,
				"name the node with well-formed text without NUL",
			);
	}
	for (const name of spec.declared ?? []) {
		if (!names.has(name))
			fail(
				"INVALID_GRAPH",
				`node "${name}" is declared but never added`,
				`add it with addNode("${name}", …)`,
			);
	}
	const known = (n: string) => names.has(n);
	const checkFrom = (from: string, what: string) => {
		if (from === END)
			fail(
				"INVALID_GRAPH",
				`${what} starts at END`,
				"END has no outgoing edges",
			);
		if (from !== START && !known(from)) {
			fail(
				"EDGE_FROM_UNKNOWN_NODE",
				`${what} starts at unknown node "${from}"`,
				`add it with addNode("${from}", …) or fix the name`,
			);
		}
	};
	const checkTo = (from: string, to: string) => {
		if (to === START)
			fail(
				"INVALID_GRAPH",
				`edge "${from}" → START`,
				"START cannot be a target",
			);
		if (to !== END && !known(to)) {
			fail(
				"EDGE_TO_UNKNOWN_NODE",
				`edge "${from}" → "${to}": no node "${to}"`,
				`add it with addNode("${to}", …) or fix the name`,
			);
		}
	};
	for (const [from, to] of spec.edges) {
		checkFrom(from, `edge to "${to}"`);
		checkTo(from, to);
	}
	for (const join of spec.joins) {
		if (join.sources.length === 0)
			fail(
				"INVALID_GRAPH",
				`join edge to "${join.target}" has no sources`,
				"list at least one source",
			);
		for (const s of join.sources) {
			if (s === START)
				fail(
					"INVALID_GRAPH",
					"START cannot be part of a join",
					"join nodes, not START",
				);
			checkFrom(s, `join edge to "${join.target}"`);
		}
		checkTo(join.sources.join("+"), join.target);
	}
	for (const branch of spec.branches) {
		checkFrom(branch.from, "conditional edge");
		if (typeof branch.router !== "function")
			fail(
				"INVALID_GRAPH",
				`the conditional edge from "${branch.from}" has no router function`,
				`pass addConditionalEdges("${branch.from}", (state) => "next-node")`,
			);
		for (const to of branch.ends ?? []) checkTo(branch.from, to);
	}
	for (const node of names.values()) {
		if (node.subgraph === undefined && typeof node.fn !== "function")
			fail(
				"INVALID_GRAPH",
				`node "${node.name}" is ${node.fn === null ? "null" : typeof node.fn}, not a function or a compiled graph`,
				`pass addNode("${node.name}", (state, ctx) => ({ … })) or a compiled subgraph`,
			);
		checkNodeOptions(node);
		for (const to of node.options.ends ?? []) checkTo(node.name, to);
	}
	for (const [key, list] of [
		["interruptBefore", options.interruptBefore],
		["interruptAfter", options.interruptAfter],
	] as const) {
		for (const n of list ?? [])
			if (!known(n))
				fail(
					"INVALID_GRAPH",
					`${key} names unknown node "${n}"`,
					"fix the name",
				);
	}
	const hasEntry =
		spec.edges.some(([f]) => f === START) ||
		spec.branches.some((b) => b.from === START);
	if (!hasEntry)
		fail(
			"NO_ENTRY_EDGE",
			"the graph has no edge from START",
			'add one: addEdge(START, "first-node")',
		);
	const reached = reachable(spec);
	for (const name of names.keys()) {
		if (!reached.has(name)) {
			fail(
				"UNREACHABLE_NODE",
				`node "${name}" cannot be reached from START`,
				"add an edge to it, list it in a conditional edge's path map, or in the `ends` option of a node whose Command.goto reaches it",
			);
		}
	}
}

function reachable(spec: GraphSpec): Set<string> {
	const out = new Map<string, string[]>();
	const add = (from: string, to: string) => {
		const list = out.get(from);
		if (list === undefined) out.set(from, [to]);
		else list.push(to);
	};
	const all = [...spec.nodes.keys()];
	for (const [from, to] of spec.edges) add(from, to);
	for (const join of spec.joins)
		for (const s of join.sources) add(s, join.target);
	for (const b of spec.branches)
		for (const to of b.ends ?? all) add(b.from, to);
	for (const node of spec.nodes.values()) {
		for (const to of node.options.ends ?? []) add(node.name, to);
		// a subgraph or a function may route anywhere with Command.goto when it declares no ends
	}
	const seen = new Set<string>();
	const queue = [START];
	while (queue.length > 0) {
		const n = queue.pop()!;
		for (const to of out.get(n) ?? []) {
			if (!seen.has(to)) {
				seen.add(to);
				queue.push(to);
			}
		}
	}
	return seen;
}
