// Outside check (7 Dec): a message over 10 MiB, the most an MCP SDK stdio transport reads, broke `weft mcp`
// both ways. A call whose arguments were larger was answered with `id: null` (and its tail again as a
// parse error), so the host's call waited out its timeout. A call whose answer was larger (a 6 MB text
// echoed) closed the host's connection and with it the server: the SDK's reader gives up on such a line.
// Now the call over the limit is refused with its own id and the answer over it is sent as a short one
// that names the thread, and the server serves on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";
import { weft } from "./run-cli.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);

describe("weft mcp and messages over the 10 MiB a stdio client reads", {
	timeout: 120_000,
}, () => {
	let dir: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-large-"));
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(
			weftMcpTransport(join(dir, "weft.db"), [`echo=${fixture}#echo`]),
		);
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it("refuses a call over the limit with its own id, at once, and serves on", async () => {
		const error = await client
			.callTool({
				name: "echo",
				arguments: { text: "x".repeat(11 * 1024 * 1024) },
			})
			.then(
				() => undefined,
				(e: unknown) => e,
			);
		expect(error).toBeInstanceOf(McpError);
		expect((error as McpError).code).toBe(ErrorCode.InvalidRequest);
		expect((error as McpError).message).toMatch(/10 MiB/);
		expect((await client.listTools()).tools.map((t) => t.name)).toContain(
			"echo",
		);
	});

	it("answers a run whose answer would pass the limit with its status and thread, and how to read its state", async () => {
		const answer = (await client.callTool({
			name: "echo",
			arguments: { text: "x".repeat(6 * 1024 * 1024) },
		})) as {
			content: { text: string }[];
			structuredContent: Record<string, unknown>;
			isError?: boolean;
		};
		expect(answer.structuredContent).toMatchObject({
			status: "done",
			values: null,
		});
		const threadId = answer.structuredContent.threadId as string;
		expect(answer.structuredContent.encodingError).toMatch(/10 MiB/);
		expect(answer.content[0]!.text).toContain(`weft --db`);
		expect(answer.content[0]!.text).toContain(threadId);
		// the run is there, whole
		const shown = await weft([
			"--db",
			join(dir, "weft.db"),
			"show",
			threadId,
			"--json",
		]);
		expect(shown.stderr).toBe("");
		expect(shown.code).toBe(0);
		expect(shown.stdout.length).toBeGreaterThan(6 * 1024 * 1024);
		expect((await client.listTools()).tools.map((t) => t.name)).toContain(
			"echo",
		);
	});

	it("answers a resource or prompt request (none are served) with Method not found, and serves on", async () => {
		for (const request of [
			() => client.readResource({ uri: "weft://threads/nope" }),
			() => client.getPrompt({ name: "nope" }),
		]) {
			const error = await request().then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(error).toBeInstanceOf(McpError);
			expect((error as McpError).code).toBe(ErrorCode.MethodNotFound);
		}
		expect((await client.listTools()).tools.map((t) => t.name)).toContain(
			"echo",
		);
	});
});
