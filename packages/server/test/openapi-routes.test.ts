// /openapi.json describes every route of the API (the auth audit of 1 Dec found two missing): the routes
// Hono serves, less the studio's own, are the document's paths.
import { MemoryCheckpointer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/index.ts";
import { openApiDocument } from "../src/openapi.ts";
import { review } from "./fixtures/graphs.ts";

describe("the OpenAPI document", () => {
	it("lists every API route the server answers", async () => {
		const { app, close } = createApp({
			graphs: { review },
			checkpointer: new MemoryCheckpointer(),
			store: undefined,
		});
		try {
			const served = new Set(
				app.routes
					.filter(
						(r) =>
							r.method !== "ALL" &&
							!r.path.startsWith("/studio") &&
							r.path !== "/openapi.json",
					)
					.map(
						(r) =>
							`${r.method.toLowerCase()} ${r.path.replace(/:([a-z_]+)/g, "{$1}").replace("{id}", "{assistant_id}")}`,
					),
			);
			const paths = openApiDocument().paths as Record<string, object>;
			const documented = new Set(
				Object.entries(paths).flatMap(([path, ops]) =>
					Object.keys(ops).map((m) => `${m} ${path}`),
				),
			);
			expect([...served].filter((r) => !documented.has(r))).toEqual([]);
		} finally {
			await close();
		}
	});
});
