import { isWeftError, NodeError, WeftError } from "@weft/checkpoint";
import type { BranchSpec } from "../graph/validate-graph.ts";
import { blame } from "./commit-failure.ts";
import type { GraphRuntime } from "./runtime.ts";
import { type Target, toTargets } from "./step/plan-tasks.ts";

/**
 * Evaluates the conditional edges of `node` on a state: the targets, or a promise of them once a router
 * answers with one (synchronous routers cost no promise and no microtask: perf, issue 17).
 */
export function route(
	rt: GraphRuntime,
	node: string,
	values: Record<string, unknown>,
	context: Readonly<Record<string, unknown>>,
): Target[] | Promise<Target[]> {
	const targets: Target[] = [];
	const branches = rt.branches.get(node) ?? [];
	for (let i = 0; i < branches.length; i++) {
		const branch = branches[i]!;
		let to: unknown;
		try {
			to = branch.router(values, { context });
		} catch (error) {
			throw routerFailed(node, error);
		}
		if (isThenable(to))
			return routeFrom(to, i, branches, targets, node, values, context).catch(
				(error: unknown) => {
					throw routerFailed(node, error);
				},
			);
		for (const t of routed(to, node, branch.pathMap)) targets.push(t);
	}
	return targets;
}

/**
 * A router's answer as targets. No answer (`undefined`, `null`: a router that forgot to return) is refused
 * rather than read as "go nowhere"; an empty array is the way to end the branch.
 */
function routed(
	to: unknown,
	node: string,
	pathMap: BranchSpec["pathMap"],
): Target[] {
	if (to === undefined || to === null)
		throw blame(
			new WeftError(
				"UNKNOWN_NODE",
				`the router of node "${node}" returned ${to}`,
				{
					hint: "return a node name, END, a Send, or an array of them (an empty array: go nowhere from here)",
				},
			),
			node,
		);
	try {
		return toTargets(to, node, pathMap);
	} catch (error) {
		throw blame(error, node);
	}
}

/**
 * What a router's throw fails the run with: a Weft error as it is (as from a node, decision 0066), any
 * other value as the node's `NodeError` that names its router.
 */
function routerFailed(node: string, error: unknown): unknown {
	return isWeftError(error)
		? blame(error, node)
		: new NodeError(node, error, "NODE_FAILED", "router");
}

type Branches = readonly BranchSpec[];

/** `route` from branch `i`, whose router answered with `first` (a promise): the rest awaited in turn. */
async function routeFrom(
	first: PromiseLike<unknown>,
	i: number,
	branches: Branches,
	targets: Target[],
	node: string,
	values: Record<string, unknown>,
	context: Readonly<Record<string, unknown>>,
): Promise<Target[]> {
	const add = (to: unknown, pathMap: BranchSpec["pathMap"]) => {
		for (const t of routed(to, node, pathMap)) targets.push(t);
	};
	add(await first, branches[i]!.pathMap);
	for (let j = i + 1; j < branches.length; j++) {
		const branch = branches[j]!;
		add(await branch.router(values, { context }), branch.pathMap);
	}
	return targets;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
	return (
		typeof v === "object" &&
		v !== null &&
		typeof (v as { then?: unknown }).then === "function"
	);
}

/** The nodes a step ran, each with the targets its tasks chose (`Command.goto`), in task order. */
export type Ran = Array<{ node: string; targets: Target[] }>;

/** Groups a step's finished tasks by node (tasks come sorted by node: a node's Send tasks are one entry). */
export function ranNodes(
	outcomes: ReadonlyArray<{ task: { node: string }; goto: Target[] }>,
): Ran {
	const ran: Ran = [];
	for (let i = 0; i < outcomes.length; i++) {
		const o = outcomes[i]!;
		const last = ran[ran.length - 1];
		if (last?.node === o.task.node) last.targets.push(...o.goto);
		else
			ran.push({
				node: o.task.node,
				targets: o.goto.length === 0 ? [] : [...o.goto],
			});
	}
	return ran;
}

/**
 * Adds the targets of the conditional edges of the nodes that ran: a promise only when a router answered
 * with one (none: undefined, nothing to wait for).
 */
export function routeRan(
	rt: GraphRuntime,
	ran: Ran,
	values: Record<string, unknown>,
	context: Readonly<Record<string, unknown>>,
): Promise<void> | undefined {
	for (let i = 0; i < ran.length; i++) {
		const r = ran[i]!;
		if (!rt.branches.has(r.node)) continue;
		const targets = route(rt, r.node, values, context);
		if (targets instanceof Promise)
			return routeRest(targets, i, rt, ran, values, context);
		for (let j = 0; j < targets.length; j++) r.targets.push(targets[j]!);
	}
	return undefined;
}

/** `routeRan` from `ran[i]`, whose routing is `pending`. */
async function routeRest(
	pending: Promise<Target[]>,
	i: number,
	rt: GraphRuntime,
	ran: Ran,
	values: Record<string, unknown>,
	context: Readonly<Record<string, unknown>>,
): Promise<void> {
	for (const t of await pending) ran[i]!.targets.push(t);
	for (let j = i + 1; j < ran.length; j++) {
		const r = ran[j]!;
		if (rt.branches.has(r.node))
			for (const t of await route(rt, r.node, values, context))
				r.targets.push(t);
	}
}
