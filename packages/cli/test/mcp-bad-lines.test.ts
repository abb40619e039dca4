// `weft mcp` answers a stdin line that is not a JSON-RPC message (JSON-RPC 2.0 §5.1: -32700, -32600), where
// the SDK's stdio transport dropped it unanswered, and goes on serving.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftCommand } from "./run-cli.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-mcp-lines-"));
const args = (db: string) => [
	...weftCommand.slice(1),
	"--db",
	join(dir, db),
	"mcp",
	"--graph",
	`echo=${fixture}#echo`,
];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The server as a process, written to and read from line by line. */
function server(): {
	child: ChildProcessWithoutNullStreams;
	send: (line: string) => void;
	next: () => Promise<unknown>;
} {
	const child = spawn(weftCommand[0]!, args("raw.db"), { cwd: root });
	const lines = createInterface({ input: child.stdout })[
		Symbol.asyncIterator
	]();
	return {
		child,
		send: (line) => child.stdin.write(`${line}\n`),
		next: async () => JSON.parse(String((await lines.next()).value)),
	};
}

describe("weft mcp and lines that are not JSON-RPC", () => {
	it("answers a line that is not JSON with -32700 and an object that is not a message with -32600, then serves on", async () => {
		const s = server();
		try {
			s.send("this is not json");
			expect(await s.next()).toEqual({
				jsonrpc: "2.0",
				id: null,
				error: {
					code: -32700,
					message: expect.stringMatching(/^Parse error: /),
				},
			});
			s.send('{"jsonrpc":"2.0","id":7,"method":42}');
			expect(await s.next()).toEqual({
				jsonrpc: "2.0",
				id: 7,
				error: {
					code: -32600,
					message: expect.stringMatching(/^Invalid Request: /),
				},
			});
			for (const line of ['{"hello":"world"}', "[]", "42"]) {
				s.send(line);
				expect(await s.next(), line).toMatchObject({
					jsonrpc: "2.0",
					id: null,
					error: { code: -32600 },
				});
			}
			s.send(""); // a blank line is no message: nothing to answer
			s.send(
				JSON.stringify({
					jsonrpc: "2.0",
					id: 1,
					method: "initialize",
					params: {
						protocolVersion: "2025-06-18",
						capabilities: {},
						clientInfo: { name: "raw", version: "1" },
					},
				}),
			);
			expect(await s.next()).toMatchObject({
				id: 1,
				result: { serverInfo: { name: "weft" } },
			});
			// outside check (6 Dec): a call whose params are not { name, arguments: {…} } was -32603 with the
			// SDK's schema dump
			for (const [id, params] of [
				[11, { name: "echo", arguments: null }],
				[12, { name: "echo", arguments: [1] }],
				[13, { arguments: {} }],
			] as const) {
				s.send(
					JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params }),
				);
				expect(await s.next(), String(id)).toEqual({
					jsonrpc: "2.0",
					id,
					error: {
						code: -32602,
						message: expect.stringMatching(
							/^Invalid params: (arguments|name) /,
						),
					},
				});
			}
		} finally {
			s.child.kill();
		}
	}, 60_000);

	it("keeps a real MCP SDK client working after a bad line (it reports the id-null answer and goes on)", async () => {
		const transport = new StdioClientTransport({
			command: weftCommand[0]!,
			args: args("sdk.db"),
			cwd: root,
			stderr: "pipe",
		});
		const client = new Client({ name: "test", version: "1.0.0" });
		const errors: Error[] = [];
		client.onerror = (e) => errors.push(e);
		await client.connect(transport);
		try {
			// the client transport writes whole messages only: reach the process's stdin to send a broken line
			const stdin = (
				transport as unknown as { _process: ChildProcessWithoutNullStreams }
			)._process.stdin;
			const answered = new Promise<void>((resolve) => {
				client.onerror = (e) => {
					errors.push(e);
					resolve();
				};
			});
			stdin.write("{ broken\n");
			await answered;
			// its schema wants an error's id to be a string or number (MCP's), so it reports the answer as a
			// message it cannot read, and carries on
			expect(errors.map((e) => e.message).join("\n")).toContain('"id"');
			const r = await client.callTool({
				name: "echo",
				arguments: { text: "still here" },
			});
			expect(r.structuredContent).toMatchObject({
				status: "done",
				values: { text: "STILL HERE" },
			});
		} finally {
			await client.close();
		}
	}, 60_000);
});
