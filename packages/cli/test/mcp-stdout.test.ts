// `weft mcp` keeps stdout for MCP messages: what a graph module prints there (console.log, a raw write),
// when loaded or while a node runs, goes to stderr instead of breaking the client's JSON-RPC stream.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/printing-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-mcp-stdout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft mcp and graphs that print", () => {
	it("sends what a graph prints to stderr, so the client reads only MCP messages on stdout", async () => {
		const transport = weftMcpTransport(join(dir, "weft.db"), [
			`printing=${fixture}#graph`,
		]);
		let stderr = "";
		transport.stderr?.on("data", (d: Buffer) => {
			stderr += d.toString();
		});
		const client = new Client({ name: "test", version: "1.0.0" });
		const errors: Error[] = [];
		client.onerror = (e) => errors.push(e);
		await client.connect(transport);
		try {
			const r = await client.callTool({
				name: "printing",
				arguments: { text: "hi" },
			});
			expect(r.structuredContent).toMatchObject({
				status: "done",
				values: { text: "HI" },
			});
			// a ping after the call: every line the call printed has reached the client by then
			await client.ping();
			expect(errors.map((e) => e.message)).toEqual([]);
			expect(stderr).toContain("printing-graph: loaded");
			expect(stderr).toContain("printing-graph: shouting hi");
			expect(stderr).toContain("printing-graph: a raw write");
		} finally {
			await client.close();
		}
	}, 60_000);
});
