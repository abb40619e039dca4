// `weft mcp` lists as `required` in a graph tool's input schema exactly the keys a run's first input must
// carry (every call starts a new thread), so a host that follows the schema does not leave one out and
// get VALIDATION_FAILED (outside audit; decision 0180).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/required-keys-graph.ts", import.meta.url),
);
const review = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);

describe("weft mcp: required keys of a graph tool's input", () => {
	let dir: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-required-"));
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(
			weftMcpTransport(join(dir, "weft.db"), [
				`ticket=${fixture}#graph`,
				`echo=${review}#echo`,
			]),
		);
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it("lists as required the keys without a default, reducer init or .optional(), and nested objects keep theirs", async () => {
		const { tools } = await client.listTools();
		const ticket = tools.find((t) => t.name === "ticket")!;
		expect(Object.keys(ticket.inputSchema.properties ?? {})).toEqual([
			"title",
			"owner",
			"priority",
			"note",
			"log",
		]);
		expect(ticket.inputSchema.required).toEqual(["title", "owner"]);
		expect(ticket.inputSchema.properties?.owner).toMatchObject({
			type: "object",
			required: ["id"],
		});
		// a graph that needs nothing lists no `required`
		const echo = tools.find((t) => t.name === "echo")!;
		expect(echo.inputSchema.required).toBeUndefined();
	});

	it("refuses a call that leaves out a required key, and runs one that gives just the required keys", async () => {
		const { tools } = await client.listTools();
		const required = (tools.find((t) => t.name === "ticket")!.inputSchema
			.required ?? []) as string[];
		for (const key of ["title", "owner"]) {
			const args: Record<string, unknown> = {
				title: "Broken login",
				owner: { id: "u1" },
			};
			delete args[key];
			const refused = await client.callTool({
				name: "ticket",
				arguments: args,
			});
			expect(refused.isError, key).toBe(true);
			expect(refused.structuredContent, key).toMatchObject({
				status: "error",
				error: { code: "VALIDATION_FAILED" },
			});
			expect(required, key).toContain(key);
		}
		const done = await client.callTool({
			name: "ticket",
			arguments: { title: "Broken login", owner: { id: "u1" } },
		});
		expect(done.isError).toBeFalsy();
		expect(done.structuredContent).toMatchObject({
			status: "done",
			values: {
				title: "Broken login",
				owner: { id: "u1" },
				priority: 3,
				log: ["filed Broken login for u1"],
			},
		});
	});
});
