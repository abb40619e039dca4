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
