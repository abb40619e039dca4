import { ConfigError } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import type { z } from "zod";
import type { ServerContext } from "./context.ts";
import type { ThreadCreate } from "./schemas.ts";

type Supersteps = NonNullable<z.infer<typeof ThreadCreate>["supersteps"]>;
type AnyGraph = CompiledGraph<any, any>;

const refused = (message: string, hint: string) =>
	new ConfigError("CONFIG_INVALID", message, { hint });

/**
 * The graph that applies `threads.create({ supersteps })`, once the request is known to be one Weft
 * applies: each superstep one update of `values` as a node (`threads.updateState`'s form). Two nodes
 * writing in one superstep, or a `command`, are refused (422) rather than applied otherwise than asked.
 */
export function superstepsGraph(
	ctx: ServerContext,
	metadata: Record<string, unknown> | undefined,
	supersteps: Supersteps,
): AnyGraph {
	const graphId = metadata?.graph_id;
	const graph =
		typeof graphId === "string" ? ctx.graphs.get(graphId) : undefined;
	if (graph === undefined)
		throw refused(
			typeof graphId === "string"
				? `supersteps: no graph "${graphId}" to apply them with`
				: "supersteps need the thread's graph to apply them with",
			`create the thread with graphId (metadata.graph_id): one of ${[...ctx.graphs.keys()].map((g) => `"${g}"`).join(", ")}`,
		);
	for (const [n, step] of supersteps.entries()) {
		if (step.updates.length !== 1)
			throw refused(
				`superstep ${n} has ${step.updates.length} updates: Weft applies one update per superstep`,
				"send each update as a superstep of its own (they are applied in order), or write them together as one node",
			);
		if (step.updates[0]!.command != null)
			throw refused(
				`superstep ${n} carries a command: supersteps apply values as a node only`,
				"give values and asNode; to resume or route, run the thread with command after creating it",
			);
	}
	return graph;
}

/** Applies each superstep's update to the thread, in order (`graph.updateState`). */
export async function applySupersteps(
	graph: AnyGraph,
	threadId: string,
	supersteps: Supersteps,
): Promise<void> {
	let checkpointId: string | undefined;
	for (const step of supersteps) {
		const u = step.updates[0]!;
		({ checkpointId } = await graph.updateState(
			{ threadId, checkpointId },
			(u.values ?? {}) as never,
			{ asNode: u.as_node },
		));
	}
}
