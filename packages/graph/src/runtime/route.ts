import type { GraphRuntime } from "./runtime.ts";
import { type Target, toTargets } from "./step/plan-tasks.ts";

/** Evaluates the conditional edges of `node` on a state. */
export async function route(
	rt: GraphRuntime,
	node: string,
	values: Record<string, unknown>,
	context: Readonly<Record<string, unknown>>,
): Promise<Target[]> {
	const targets: Target[] = [];
	for (const branch of rt.branches.get(node) ?? []) {
		const to = await branch.router(values, { context });
		targets.push(...toTargets(to, node, branch.pathMap));
	}
	return targets;
}

/** The nodes a step ran, each with the targets its tasks chose (`Command.goto`), in task order. */
export type Ran = Array<{ node: string; targets: Target[] }>;

/** Groups a step's finished tasks by node (tasks come sorted by node: a node's Send tasks are one entry). */
export function ranNodes(
	outcomes: ReadonlyArray<{ task: { node: string }; goto: Target[] }>,
): Ran {
	const ran: Ran = [];
	for (const o of outcomes) {
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

/** Adds the targets of the conditional edges of the nodes that ran (none: undefined, nothing to wait for). */
export function routeRan(
	rt: GraphRuntime,
	ran: Ran,
	values: Record<string, unknown>,
	context: Readonly<Record<string, unknown>>,
): Promise<void> | undefined {
	if (!ran.some((r) => rt.branches.has(r.node))) return undefined;
	return (async () => {
		for (const r of ran)
			if (rt.branches.has(r.node))
				r.targets.push(...(await route(rt, r.node, values, context)));
	})();
}
