import { z } from "zod";
import { BODY_SCHEMAS } from "./schemas.ts";

const ROUTES: [
	method: string,
	path: string,
	schema?: keyof typeof BODY_SCHEMAS,
][] = [
	["get", "/ok"],
	["get", "/info"],
	["post", "/assistants/search", "AssistantSearch"],
	["post", "/assistants/count", "AssistantCount"],
	["get", "/assistants/{assistant_id}/subgraphs"],
	["get", "/assistants/{assistant_id}/subgraphs/{namespace}"],
	["get", "/assistants/{assistant_id}"],
	["get", "/assistants/{assistant_id}/graph"],
	["get", "/assistants/{assistant_id}/schemas"],
	["post", "/threads", "ThreadCreate"],
	["post", "/threads/search", "ThreadSearch"],
	["post", "/threads/count", "ThreadCount"],
	["get", "/threads/{thread_id}"],
	["patch", "/threads/{thread_id}", "ThreadPatch"],
	["delete", "/threads/{thread_id}"],
	["get", "/threads/{thread_id}/state"],
	["post", "/threads/{thread_id}/state", "StateUpdate"],
	["patch", "/threads/{thread_id}/state", "StatePatch"],
	["get", "/threads/{thread_id}/state/{checkpoint_id}"],
	["post", "/threads/{thread_id}/state/checkpoint"],
	["post", "/threads/{thread_id}/history", "HistoryQuery"],
	["post", "/threads/{thread_id}/runs", "RunCreate"],
	["post", "/threads/{thread_id}/runs/wait", "RunCreate"],
	["post", "/threads/{thread_id}/runs/stream", "RunCreate"],
	["get", "/threads/{thread_id}/runs"],
	["get", "/threads/{thread_id}/runs/{run_id}"],
	["get", "/threads/{thread_id}/runs/{run_id}/join"],
	["get", "/threads/{thread_id}/runs/{run_id}/stream"],
	["post", "/threads/{thread_id}/runs/{run_id}/cancel"],
	["delete", "/threads/{thread_id}/runs/{run_id}"],
	["post", "/threads/{thread_id}/copy"],
	["post", "/threads/{thread_id}/feedback", "FeedbackCreate"],
	["get", "/threads/{thread_id}/feedback"],
	["post", "/runs", "RunCreate"],
	["post", "/runs/wait", "RunCreate"],
	["post", "/runs/stream", "RunCreate"],
	["post", "/runs/batch"],
	["get", "/runs/{run_id}/stream"],
	["put", "/store/items", "StorePut"],
	["get", "/store/items"],
	["delete", "/store/items", "StoreDelete"],
	["post", "/store/items/search", "StoreSearch"],
	["post", "/store/namespaces", "StoreNamespaces"],
];

/** The OpenAPI 3.1 document of the API, with request bodies generated from the zod schemas. */
export function openApiDocument(): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const [method, path, schema] of ROUTES) {
		const op: Record<string, unknown> = {
			responses: {
				"200": { description: "OK" },
				default: { $ref: "#/components/responses/Error" },
			},
		};
		if (schema !== undefined)
			op.requestBody = {
				content: {
					"application/json": {
						schema: { $ref: `#/components/schemas/${schema}` },
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
