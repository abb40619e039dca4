// Outside check (7 Dec): a call of a graph's tool whose input the graph refused (a key of the wrong type,
// a required key left out) answered with a `threadId` no run had made: a host that kept it to go on with
// (`x_resume`) was sent after a thread that is not there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";
import { weft } from "./run-cli.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);

describe("weft mcp: a call whose input is refused", () => {
	let dir: string;
	let db: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-refused-"));
		db = join(dir, "weft.db");
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(weftMcpTransport(db, [`review=${fixture}#graph`]));
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it("names no thread, as none was made", async () => {
		for (const args of [{ topic: 5 }, {}, { topic: "x", nope: 1 }]) {
			const r = await client.callTool({ name: "review", arguments: args });
			const s = r.structuredContent as Record<string, unknown>;
			expect(r.isError, JSON.stringify(args)).toBe(true);
			expect(s).toMatchObject({
				status: "error",
				error: { code: "VALIDATION_FAILED" },
			});
			expect(s).not.toHaveProperty("threadId");
			const text = (r.content as { text: string }[])[0]!.text;
			expect(`${text} ${JSON.stringify(s)}`).not.toMatch(
				/[0-9a-f]{8}-[0-9a-f]{4}-/,
			);
		}
		const threads = await weft(["--db", db, "--json", "threads"]);
		expect(threads.json).toEqual([]);
		// a run that was made still names its thread
		const paused = await client.callTool({
			name: "review",
			arguments: { topic: "tides" },
		});
		expect(paused.structuredContent).toMatchObject({
			status: "interrupted",
			threadId: expect.any(String),
		});
	}, 60_000);
});
