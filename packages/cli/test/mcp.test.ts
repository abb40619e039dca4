import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, weftSync as weft } from "./run-cli.ts";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const fixture = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);

describe("weft mcp", () => {
	let dir: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-"));
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(
			new StdioClientTransport({
				command: process.execPath,
				args: [
					"--conditions",
					"@weft/source",
					"--import",
					"tsx",
					main,
					"--db",
					join(dir, "weft.db"),
					"mcp",
					"--graph",
					`review=${fixture}#graph`,
					"--graph",
					`echo=${fixture}#echo`,
				],
				cwd: root,
				stderr: "pipe",
			}),
		);
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it("lists each graph as a tool with the graph's input schema, and a resume tool", async () => {
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name)).toEqual([
			"review",
			"review_resume",
			"echo",
			"echo_resume",
		]);
		const review = tools[0]!;
		expect(review.inputSchema.type).toBe("object");
		expect(Object.keys(review.inputSchema.properties ?? {})).toEqual([
			"topic",
			"draft",
			"published",
		]);
		expect(review.inputSchema.properties?.topic).toMatchObject({
			type: "string",
		});
	});

	it("runs a graph to its end", async () => {
		const r = await client.callTool({
			name: "echo",
			arguments: { text: "hi" },
		});
		expect(r.isError).toBeFalsy();
		expect(r.structuredContent).toMatchObject({
			status: "done",
			values: { text: "HI" },
		});
	});

	it("returns a pause as such, and a second call answers it", async () => {
		const paused = await client.callTool({
			name: "review",
			arguments: { topic: "MCP" },
		});
		expect(paused.isError).toBeFalsy();
		const s = paused.structuredContent as {
			status: string;
			threadId: string;
			interrupts: { id: string; node: string; value: unknown }[];
		};
		expect(s.status).toBe("interrupted");
		expect(s.interrupts).toEqual([
			{
				id: expect.any(String),
				node: "review",
				value: { human: "review", request: { draft: "A note on MCP." } },
			},
		]);
		expect((paused.content as { text: string }[])[0]?.text).toContain(
			"review_resume",
		);
		const bad = await client.callTool({
			name: "review_resume",
			arguments: { threadId: s.threadId, resume: { action: "maybe" } },
		});
		expect(bad.isError).toBe(true);
		expect(bad.structuredContent).toMatchObject({
			error: { code: "VALIDATION_FAILED" },
		});
		const done = await client.callTool({
			name: "review_resume",
			arguments: { threadId: s.threadId, resume: { action: "approve" } },
		});
		expect(done.structuredContent).toMatchObject({
			status: "done",
			threadId: s.threadId,
			values: { topic: "MCP", published: true },
		});
	});

	it("answers an invalid input with an error result", async () => {
		const r = await client.callTool({
			name: "review",
			arguments: { topic: 3 },
		});
		expect(r.isError).toBe(true);
		expect(r.structuredContent).toMatchObject({
			status: "error",
			error: { code: "VALIDATION_FAILED" },
		});
	});

	it("refuses to start without a graph, or with a bad spec", () => {
		const none = weft(["mcp"]);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("--graph");
		const bad = weft(["mcp", "--graph", "no-equals-sign"]);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain("name=module#export");
	});
});
