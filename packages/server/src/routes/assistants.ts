import { Hono } from "hono";
import { z } from "zod";
import {
	assistantId,
	type Env,
	graphIdOf,
	type ServerContext,
} from "../context.ts";
import { graphNodes } from "../run-manager.ts";
import { AssistantSearch } from "../schemas.ts";
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

/** Assistants: one per registered graph (read-only; shared by every caller). */
export function assistantRoutes(ctx: ServerContext): Hono<Env> {
	const app = new Hono<Env>();
	app.post("/search", async (c) => {
		const q = await body(c, AssistantSearch);
		const found = [...ctx.graphs.keys()].filter(
			(g) =>
				(q.graph_id === undefined || q.graph_id === g) &&
				(q.name === undefined || q.name === g),
		);
		return c.json(found.slice(q.offset, q.offset + q.limit).map(toAssistant));
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
		return c.json({
			graph_id: graphId,
			input_schema: state,
			output_schema: state,
			state_schema: state,
			config_schema: null,
			context_schema: null,
		});
	});
	return app;
}
