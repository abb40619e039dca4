// Outside check (7 Dec): a single step longer than the host's request timeout was cancelled even with
// resetTimeoutOnProgress: progress was sent only when the run started and after each saved step.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, weftCommand } from "./run-cli.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/long-step-graph.ts", import.meta.url),
);

describe("weft mcp --heartbeat", () => {
	let dir: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-heartbeat-"));
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(
			new StdioClientTransport({
				command: weftCommand[0]!,
				args: [
					...weftCommand.slice(1),
					"--db",
					join(dir, "weft.db"),
					"mcp",
					"--graph",
					`long=${fixture}#graph`,
					"--heartbeat",
					"100ms",
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

	it("keeps a host that waits on progress waiting through one step longer than its timeout", async () => {
		const seen: string[] = [];
		// the step takes many times the host's timeout: only notifications sent while it runs keep the wait
		const r = await client.callTool(
			{ name: "long", arguments: { ms: 6000 } },
			undefined,
			{
				timeout: 2000,
				resetTimeoutOnProgress: true,
				onprogress: (p) => seen.push(p.message ?? ""),
			},
		);
		const { threadId } = r.structuredContent as { threadId: string };
		expect(r.structuredContent).toMatchObject({
			status: "done",
			values: { done: true },
		});
		expect(seen[0]).toBe(`thread ${threadId}: running`);
		expect(seen).toContain(`thread ${threadId}: still running`);
	});
});
