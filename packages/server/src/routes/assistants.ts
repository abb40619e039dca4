import { contains } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import { Hono } from "hono";
import { z } from "zod";
import {
	assistantId,
	type Env,
	graphIdOf,
	type ServerContext,
} from "../context.ts";
import { GraphQuery, SubgraphsQuery } from "../query-schemas.ts";
import { AssistantCount, AssistantSearch } from "../schemas.ts";
import { page, selectFields } from "../thread-search.ts";
import { body, query } from "./validate.ts";

/** A registered graph as a LangGraph assistant, created (and last changed) when the server registered it. */
export function toAssistant(graphId: string, registeredAt: string) {
	return {
		assistant_id: assistantId(graphId),
		graph_id: graphId,
		name: graphId,
		description: null,
		config: {},
		context: {},
		metadata: { created_by: "system" },
		version: 1,
		created_at: registeredAt,
		updated_at: registeredAt,
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

/**
 * A graph as LangGraph's `/assistants/:id/graph` answers it: its nodes and edges, every edge between listed
 * nodes. With `xray` a subgraph node is drawn as its own nodes (`sub:name`) without its start and end, as
 * LangGraph draws it: edges into it go to its first nodes, edges out of it leave from its last ones
 * (decision 0133).
 */
function graphJson(graph: CompiledGraph<any, any>, xray: boolean) {
	const { nodes, edges } = graph.describe();
	const subgraphs = new Set(
		nodes.filter((n) => n.subgraph && n.parent === null).map((n) => n.id),
	);
	const id = (n: string) => n.replace("/", ":");
	// listed as LangGraph lists them: `__start__`, the graph's nodes, `__end__` last
	const shown = nodes
		.filter((n) => (xray ? !subgraphs.has(n.id) : n.parent === null))
		.sort((a, b) => Number(a.id === "__end__") - Number(b.id === "__end__"));
	const visible = new Set(shown.map((n) => n.id));
	const out = edges.flatMap((e) => {
		let { source, target } = e;
		if (xray && subgraphs.has(source)) source = `${source}/__end__`;
		if (xray && subgraphs.has(target)) target = `${target}/__start__`;
		if (!visible.has(source) || !visible.has(target)) return [];
		return [
			{
				source: id(source),
				target: id(target),
				conditional: e.kind === "conditional" || e.kind === "ends",
				...(e.label === undefined ? {} : { data: e.label }),
			},
		];
	});
	if (!xray) return { nodes: shown.map((n) => node(id(n.id))), edges: out };
	// a subgraph's own start and end are passed through: each edge into one joins each edge out of it
	const inner = (n: string) => /[:/]__(start|end)__$/.test(n);
	let edgesNow = out;
	for (const n of shown.map((x) => id(x.id)).filter(inner)) {
		const into = edgesNow.filter((e) => e.target === n);
		const from = edgesNow.filter((e) => e.source === n);
		edgesNow = [
			...edgesNow.filter((e) => e.target !== n && e.source !== n),
			...into.flatMap((a) =>
				from.map((b) => ({
					source: a.source,
					target: b.target,
					conditional: a.conditional || b.conditional,
					...("data" in a
						? { data: a.data }
						: "data" in b
							? { data: b.data }
							: {}),
				})),
			),
		];
	}
	return {
		nodes: shown
			.map((n) => id(n.id))
			.filter((n) => !inner(n))
			.map(node),
		edges: edgesNow,
	};
}

const node = (id: string) => ({ id, type: "runnable", data: id });

/** Assistants: one per registered graph (read-only; shared by every caller). */
export function assistantRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	// as LangGraph's: `graph_id` the whole id, `name` any part of the name in any case, metadata contained
	const find = (q: z.infer<typeof AssistantCount>) =>
		[...ctx.graphs.keys()]
			.filter(
				(g) =>
					(q.graph_id === undefined || q.graph_id === g) &&
					(q.name === undefined ||
						g.toLowerCase().includes(q.name.toLowerCase())),
			)
			.map((g) => toAssistant(g, ctx.registeredAt))
			.filter(
				(a) => q.metadata === undefined || contains(a.metadata, q.metadata),
			);
	app.post("/search", async (c) => {
		const q = await body(c, AssistantSearch);
		const found = find(q);
		// every assistant was registered together (one created_at): those sorts keep the name order
		const by = q.sort_by ?? "created_at";
		const key = by === "created_at" || by === "updated_at" ? "name" : by;
		const sign = (q.sort_order ?? "desc") === "asc" ? 1 : -1;
		found.sort((a, b) => sign * a[key].localeCompare(b[key]));
		return c.json(page(c, found, q).map((a) => selectFields(a, q.select)));
	});
	app.post("/count", async (c) =>
		c.json(find(await body(c, AssistantCount)).length),
	);
	app.get("/:id/subgraphs", (c) => {
		query(c, SubgraphsQuery);
		return c.json(subgraphsOf(ctx, graphIdOf(ctx, c.req.param("id"))));
	});
	app.get("/:id/subgraphs/:namespace", (c) => {
		query(c, SubgraphsQuery);
		const all = subgraphsOf(ctx, graphIdOf(ctx, c.req.param("id")));
		const ns = c.req.param("namespace");
		return c.json(ns in all ? { [ns]: all[ns] } : {});
	});
	app.get("/:id", (c) =>
		c.json(toAssistant(graphIdOf(ctx, c.req.param("id")), ctx.registeredAt)),
	);
	app.get("/:id/graph", (c) => {
		const { xray } = query(c, GraphQuery);
		const graph = ctx.graphs.get(graphIdOf(ctx, c.req.param("id")))!;
		return c.json(graphJson(graph, xray === true || Number(xray) > 0));
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
