import { z } from "zod";
import {
	FeedbackListQuery,
	GraphQuery,
	HistoryGetQuery,
	JoinStreamQuery,
	OkQuery,
	RunCancelQuery,
	RunList,
	StateQuery,
	StoreGetQuery,
	SubgraphsQuery,
} from "./query-schemas.ts";
import { BODY_SCHEMAS } from "./schemas.ts";

/** A query parameter a route reads: its name, JSON schema, and whether it must be given. */
type QueryParam = {
	name: string;
	schema: Record<string, unknown>;
	required?: boolean;
	description?: string;
};

/** What a route says beyond its method and path: its body's schema, query, and success status. */
type RouteDoc = {
	body?: keyof typeof BODY_SCHEMAS;
	query?: QueryParam[];
	/** The status of a success (default 200), or its statuses when it has several. */
	status?: number | number[];
};

const text = { type: "string" };

/** The query parameters of a zod object schema (how `query(c, schema)` reads them). */
function queryOf(schema: z.ZodObject): QueryParam[] {
	const json = z.toJSONSchema(schema, { io: "input", target: "openapi-3.0" });
	const required = new Set((json.required as string[] | undefined) ?? []);
	return Object.entries(
		(json.properties ?? {}) as Record<string, Record<string, unknown>>,
	).map(([name, { description, ...schema }]) => ({
		name,
		schema,
		required: required.has(name),
		...(typeof description === "string" ? { description } : {}),
	}));
}

const ROUTES: [method: string, path: string, doc?: RouteDoc][] = [
	["get", "/ok", { query: queryOf(OkQuery) }],
	["get", "/info"],
	["post", "/assistants/search", { body: "AssistantSearch" }],
	["post", "/assistants/count", { body: "AssistantCount" }],
	[
		"get",
		"/assistants/{assistant_id}/subgraphs",
		{ query: queryOf(SubgraphsQuery) },
	],
	[
		"get",
		"/assistants/{assistant_id}/subgraphs/{namespace}",
		{ query: queryOf(SubgraphsQuery) },
	],
	["get", "/assistants/{assistant_id}"],
	["get", "/assistants/{assistant_id}/graph", { query: queryOf(GraphQuery) }],
	["get", "/assistants/{assistant_id}/schemas"],
	["post", "/threads", { body: "ThreadCreate" }],
	["post", "/threads/search", { body: "ThreadSearch" }],
	["post", "/threads/count", { body: "ThreadCount" }],
	["get", "/threads/{thread_id}"],
	["patch", "/threads/{thread_id}", { body: "ThreadPatch" }],
	["delete", "/threads/{thread_id}", { status: 204 }],
	["get", "/threads/{thread_id}/state", { query: queryOf(StateQuery) }],
	["post", "/threads/{thread_id}/state", { body: "StateUpdate" }],
	["patch", "/threads/{thread_id}/state", { body: "StatePatch" }],
	[
		"get",
		"/threads/{thread_id}/state/{checkpoint_id}",
		{ query: queryOf(StateQuery) },
	],
	["post", "/threads/{thread_id}/state/checkpoint"],
	["get", "/threads/{thread_id}/history", { query: queryOf(HistoryGetQuery) }],
	["post", "/threads/{thread_id}/history", { body: "HistoryQuery" }],
	["post", "/threads/{thread_id}/runs", { body: "RunCreate" }],
	["post", "/threads/{thread_id}/runs/wait", { body: "RunCreate" }],
	["post", "/threads/{thread_id}/runs/stream", { body: "RunCreate" }],
	["get", "/threads/{thread_id}/runs", { query: queryOf(RunList) }],
	["get", "/threads/{thread_id}/runs/{run_id}"],
	["get", "/threads/{thread_id}/runs/{run_id}/join"],
	[
		"get",
		"/threads/{thread_id}/runs/{run_id}/stream",
		{ query: queryOf(JoinStreamQuery) },
	],
	[
		"post",
		"/threads/{thread_id}/runs/{run_id}/cancel",
		{ query: queryOf(RunCancelQuery), status: [202, 204] },
	],
	["delete", "/threads/{thread_id}/runs/{run_id}", { status: 204 }],
	["post", "/threads/{thread_id}/copy"],
	["post", "/threads/{thread_id}/feedback", { body: "FeedbackCreate" }],
	[
		"get",
		"/threads/{thread_id}/feedback",
		{ query: queryOf(FeedbackListQuery) },
	],
	["post", "/runs", { body: "RunCreate" }],
	["post", "/runs/wait", { body: "RunCreate" }],
	["post", "/runs/stream", { body: "RunCreate" }],
	["post", "/runs/batch"],
	["get", "/runs/{run_id}/stream", { query: queryOf(JoinStreamQuery) }],
	["put", "/store/items", { body: "StorePut", status: 204 }],
	["get", "/store/items", { query: queryOf(StoreGetQuery) }],
	["delete", "/store/items", { body: "StoreDelete", status: 204 }],
	["post", "/store/items/search", { body: "StoreSearch" }],
	["post", "/store/namespaces", { body: "StoreNamespaces" }],
];

const STATUS_TEXT: Record<number, string> = {
	202: "Accepted",
	204: "No Content",
};

/** The OpenAPI 3.1 document of the API, with request bodies generated from the zod schemas. */
export function openApiDocument(): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const [method, path, doc = {}] of ROUTES) {
		const statuses = [doc.status ?? 200].flat();
		const op: Record<string, unknown> = {
			responses: {
				...Object.fromEntries(
					statuses.map((status) => [
						String(status),
						{ description: status === 200 ? "OK" : STATUS_TEXT[status] },
					]),
				),
				default: { $ref: "#/components/responses/Error" },
			},
		};
		const parameters = [
			...[...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => ({
				name: m[1]!,
				in: "path",
				required: true,
				// a run id that is not a UUID is 422 INVALID_ID (decision 0242)
				schema: m[1] === "run_id" ? { ...text, format: "uuid" } : text,
			})),
			...(doc.query ?? []).map((q) => ({
				name: q.name,
				in: "query",
				required: q.required === true,
				schema: q.schema,
				...(q.description === undefined ? {} : { description: q.description }),
			})),
		];
		if (parameters.length > 0) op.parameters = parameters;
		if (doc.body !== undefined)
			op.requestBody = {
				content: {
					"application/json": {
						schema: { $ref: `#/components/schemas/${doc.body}` },
					},
				},
			};
		paths[path] = { ...paths[path], [method]: op };
	}
	const schemas = Object.fromEntries(
		Object.entries(BODY_SCHEMAS).map(([name, s]) => [
			name,
			z.toJSONSchema(s, { io: "input", target: "openapi-3.0" }),
		]),
	);
	return {
		openapi: "3.1.0",
		info: { title: "Weft server", version: "0.1.0" },
		paths,
		components: {
			schemas,
			responses: {
				Error: {
					description:
						"an error: `detail` (message), `code` (WeftError code), `hint`",
					content: {
						"application/json": {
							schema: {
								type: "object",
								properties: {
									detail: { type: "string" },
									code: { type: "string" },
									hint: { type: "string" },
								},
							},
						},
					},
				},
			},
		},
	};
}
