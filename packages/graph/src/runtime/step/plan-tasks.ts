import type { TaskSpec } from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import { END, START } from "../../constants.ts";
import type { GraphSpec } from "../../graph/validate-graph.ts";
import { isSend } from "../../send.ts";
import { blame } from "../commit-failure.ts";

/** A route target once resolved: a node name, or a Send as `{ node, input }`. */
export type Target = string | { node: string; input: unknown };

/** The static shape of a graph that planning needs. */
export interface Topology {
	nodes: ReadonlySet<string>;
	edges: ReadonlyMap<string, readonly string[]>;
	joins: ReadonlyArray<{
		id: string;
		sources: readonly string[];
		target: string;
	}>;
	/** join ids by source node */
	joinsBySource: ReadonlyMap<string, readonly number[]>;
}

/** The topology of a graph as compiled: its edges by source, its joins and which sources feed each. */
export function topologyOf(spec: GraphSpec): Topology {
	const edges = new Map<string, string[]>();
	for (const [from, to] of spec.edges)
		edges.set(from, [...(edges.get(from) ?? []), to]);
	const joinsBySource = new Map<string, number[]>();
	spec.joins.forEach((join, i) => {
		for (const s of join.sources)
			joinsBySource.set(s, [...(joinsBySource.get(s) ?? []), i]);
	});
	return {
		nodes: new Set(spec.nodes.keys()),
		edges,
		joins: spec.joins,
		joinsBySource,
	};
}

/** Turns whatever a router or `Command.goto` returned into targets. */
export function toTargets(
	route: unknown,
	from: string,
	pathMap?: Record<string, string>,
): Target[] {
	const items = Array.isArray(route) ? route : [route];
	const out: Target[] = [];
	for (const item of items) {
		if (item === undefined || item === null) continue;
		if (isSend(item)) {
			out.push({ node: item.node, input: item.input });
			continue;
		}
		if (typeof item !== "string") {
			throw new WeftError(
				"UNKNOWN_NODE",
				`the route from "${from}" returned ${JSON.stringify(item)}`,
				{
					hint: "a router returns a node name, END, a Send, or an array of them",
				},
			);
		}
		const name = pathMap === undefined ? item : pathMap[item];
		if (name === undefined) {
			throw new WeftError(
				"UNKNOWN_NODE",
				`the route from "${from}" returned "${item}", which its path map lacks`,
				{
					hint: `add "${item}" to the path map of the conditional edge from "${from}"`,
				},
			);
		}
		out.push(name);
	}
	return out;
}

/** The result of planning the next step. */
export interface Plan {
	tasks: TaskSpec[];
	joins: Record<string, string[]>;
}

/**
 * Plans the next step from the nodes that ran in this one: static edges, joins whose sources have all
 * arrived, and the targets of routers and `Command.goto`. Tasks come sorted by node name, a node's edge
 * task before its Sends, Sends in the order made: the order their writes are applied in.
 */
export function planTasks(
	topology: Topology,
	ran: ReadonlyArray<{ node: string; targets: readonly Target[] }>,
	joins: Readonly<Record<string, string[]>>,
): Plan {
	const one = ran.length === 1 ? single(topology, ran[0]!, joins) : undefined;
	if (one !== undefined) return one;
	const triggered = new Set<string>();
	const sends: Array<{ node: string; input: unknown }> = [];
	let nextJoins: Record<string, string[]> | undefined;
	const visit = (from: string, target: Target) => {
		if (typeof target === "string") {
			if (target === END) return;
			if (target === START || !topology.nodes.has(target))
				throw unknownNode(from, target);
			triggered.add(target);
			return;
		}
		if (!topology.nodes.has(target.node)) throw unknownNode(from, target.node);
		sends.push(target);
	};
	for (const { node, targets } of ran) {
		for (const to of topology.edges.get(node) ?? []) visit(node, to);
		for (const t of targets) visit(node, t);
		for (const j of topology.joinsBySource.get(node) ?? []) {
			const join = topology.joins[j]!;
			nextJoins ??= { ...joins };
			const seen = new Set(nextJoins[join.id] ?? []);
			seen.add(node);
			if (join.sources.every((s) => seen.has(s))) {
				delete nextJoins[join.id];
				visit(node, join.target);
			} else {
				nextJoins[join.id] = [...seen].sort();
			}
		}
	}
	// a loop, not `.map`: V8's optimized `map` returns holey arrays where the builtin returns packed
	// ones, and the step's consumers, compiled for packed task lists, would all deoptimize at once
	// when this function is optimized (issue 17)
	const tasks: TaskSpec[] = [];
	for (const node of [...triggered].sort()) tasks.push({ id: node, node });
	if (sends.length > 0) {
		sends.forEach((s, i) => {
			tasks.push({ id: `${s.node}#${i}`, node: s.node, input: s.input });
		});
		tasks.sort(byNode);
	}
	return { tasks, joins: nextJoins ?? joins };
}

/**
 * The plan of the most common step (perf, issue 17): one node ran, it routes nowhere else and feeds no
 * join, and its static edges name at most one node. Undefined when the general planner is needed.
 */
function single(
	topology: Topology,
	r: { node: string; targets: readonly Target[] },
	joins: Readonly<Record<string, string[]>>,
): Plan | undefined {
	if (r.targets.length > 0 || topology.joinsBySource.has(r.node)) return;
	const edges = topology.edges.get(r.node);
	if (edges === undefined || edges.length === 0) return { tasks: [], joins };
	if (edges.length > 1) return;
	const to = edges[0]!;
	if (to === END) return { tasks: [], joins };
	if (to === START || !topology.nodes.has(to)) throw unknownNode(r.node, to);
	return { tasks: [{ id: to, node: to }], joins };
}

/** Sorts tasks by node name; a node's edge task first, then its Sends in order (stable sort). */
function byNode(a: TaskSpec, b: TaskSpec): number {
	if (a.node !== b.node) return a.node < b.node ? -1 : 1;
	return ("input" in a ? 1 : 0) - ("input" in b ? 1 : 0);
}

function unknownNode(from: string, to: string): WeftError {
	const error = new WeftError(
		"UNKNOWN_NODE",
		`"${from}" routed the run to "${to}", which is not a node of this graph`,
		{
			hint: `fix the name returned by the router or Command.goto of "${from}"`,
		},
	);
	return blame(error, from);
}
