import { Hono } from "hono";
import { z } from "zod";
import {
	assistantId,
	type Env,
	graphIdOf,
	type ServerContext,
} from "../context.ts";
import { graphNodes } from "../run-manager.ts";
import { AssistantCount, AssistantSearch } from "../schemas.ts";
import { selectFields } from "../thread-search.ts";
import { body } from "./validate.ts";

const EPOCH = new Date(0).toISOString();

/** A registered graph as a LangGraph assistant. */
export function toAssistant(graphId: string) {
	return {
		assistant_id: assistantId(graphId),
		graph_id: graphId,
		name: graphId,
		description: null,
		config: {},
		context: {},
		metadata: { created_by: "system" },
		version: 1,
		created_at: EPOCH,
		updated_at: EPOCH,
	};
}

/**
 * The subgraphs of a graph (nodes that run a compiled graph), by namespace (the node's name). The graph
 * does not expose a subgraph's state schema, so each answers its schemas as null.
 */
function subgraphsOf(ctx: ServerContext, graphId: string) {
	const graph = ctx.graphs.get(graphId)!;
	return Object.fromEntries(
		graph
			.describe()
			.nodes.filter((n) => n.subgraph && n.parent === null)
			.map((n) => [
				n.name,
				{
					graph_id: n.name,
					input_schema: null,
					output_schema: null,
					state_schema: null,
					config_schema: null,
					context_schema: null,
				},
			]),
	);
}

/** Assistants: one per registered graph (read-only; shared by every caller). */
export function assistantRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	const find = (q: z.infer<typeof AssistantCount>) =>
		[...ctx.graphs.keys()]
			.filter(
				(g) =>
					(q.graph_id === undefined || q.graph_id === g) &&
					(q.name === undefined || q.name === g),
			)
			.map(toAssistant)
			.filter(
				(a) =>
					q.metadata === undefined ||
					Object.entries(q.metadata).every(
						([k, v]) =>
							JSON.stringify((a.metadata as Record<string, unknown>)[k]) ===
							JSON.stringify(v),
					),
			);
	app.post("/search", async (c) => {
		const q = await body(c, AssistantSearch);
		const found = find(q);
		// every assistant was created together (created_at: the epoch): those sorts keep the name order
		const by = q.sort_by ?? "created_at";
		const key = by === "created_at" || by === "updated_at" ? "name" : by;
		const sign = (q.sort_order ?? "desc") === "asc" ? 1 : -1;
		found.sort((a, b) => sign * a[key].localeCompare(b[key]));
		return c.json(
			found
				.slice(q.offset, q.offset + q.limit)
				.map((a) => selectFields(a, q.select)),
		);
	});
	app.post("/count", async (c) =>
		c.json(find(await body(c, AssistantCount)).length),
	);
	app.get("/:id/subgraphs", (c) =>
		c.json(subgraphsOf(ctx, graphIdOf(ctx, c.req.param("id")))),
	);
	app.get("/:id/subgraphs/:namespace", (c) => {
		const all = subgraphsOf(ctx, graphIdOf(ctx, c.req.param("id")));
		const ns = c.req.param("namespace");
		return c.json(ns in all ? { [ns]: all[ns] } : {});
	});
	app.get("/:id", (c) =>
		c.json(toAssistant(graphIdOf(ctx, c.req.param("id")))),
	);
	app.get("/:id/graph", (c) => {
		const graph = ctx.graphs.get(graphIdOf(ctx, c.req.param("id")))!;
		const mermaid = graph.toMermaid();
		const nodes = ["__start__", ...graphNodes(graph), "__end__"].map((id) => ({
			id,
			type: "runnable",
			data: id,
		}));
		const edges = [
			...mermaid.matchAll(
				/^\s*([A-Za-z0-9_]+)\s*(-->|-\.->|-\.\s.*?\.->)\s*([A-Za-z0-9_]+)/gm,
			),
		].map((m) => ({
			source: m[1],
			target: m[3],
			conditional: m[2] !== "-->",
		}));
		return c.json({ nodes, edges });
	});
	app.get("/:id/schemas", (c) => {
		const graphId = graphIdOf(ctx, c.req.param("id"));
		const graph = ctx.graphs.get(graphId)!;
		const state = z.toJSONSchema(graph.schema, {
			unrepresentable: "any",
			io: "input",
		});
		// a run's input is an update: a key left out keeps its value (its default, its reducer's start)
		const { required: _, ...input } = state;
		return c.json({
			graph_id: graphId,
			input_schema: input,
			output_schema: state,
			state_schema: state,
			config_schema: null,
			context_schema: null,
		});
	});
	return app;
}
