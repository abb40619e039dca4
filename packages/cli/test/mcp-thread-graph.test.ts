// Outside check (7 Dec): `wipe_resume` answered and ran a pause of another served graph (`refund`), and
// `weft approve` refused threads started over MCP ("does not record its graph module").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";
import { weftSync as weft } from "./run-cli.ts";

const fixture = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);
const twins = fileURLToPath(
	new URL("./fixtures/twin-graphs.ts", import.meta.url),
);

describe("weft mcp: a thread belongs to the graph that started it", () => {
	let dir: string;
	let db: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-owner-"));
		db = join(dir, "weft.db");
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(
			weftMcpTransport(db, [
				`review=${fixture}#graph`,
				`refund=${twins}#refund`,
				`wipe=${twins}#wipe`,
			]),
		);
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const pause = async (name: string, args: Record<string, unknown>) => {
		const r = await client.callTool({ name, arguments: args });
		expect(r.structuredContent).toMatchObject({ status: "interrupted" });
		return (r.structuredContent as { threadId: string }).threadId;
	};

	it("refuses another graph's _resume on a paused thread, naming its graph and tool, and runs nothing", async () => {
		const threadId = await pause("refund", { text: "ann" });
		for (const args of [
			{ threadId, resume: true },
			{ threadId, continue: true },
		]) {
			const r = await client.callTool({ name: "wipe_resume", arguments: args });
			expect(r.isError).toBe(true);
			const { error } = r.structuredContent as {
				error: { code: string; message: string; hint: string };
			};
			expect(error.code).toBe("CONFIG_INVALID");
			expect(error.message).toContain('belongs to graph "refund"');
			expect(error.hint).toContain("refund_resume");
		}
		// still waiting for its own graph's answer, which goes on as before
		const done = await client.callTool({
			name: "refund_resume",
			arguments: { threadId, resume: true },
		});
		expect(done.structuredContent).toMatchObject({
			status: "done",
			values: { log: ["refund: true"] },
		});
	});

	it("records the graph module as weft run does: weft show and weft approve work on its threads", async () => {
		const threadId = await pause("review", { topic: "cli" });
		const shown = weft(["--db", db, "show", threadId]);
		expect(shown.stderr).toBe("");
		expect(shown.code).toBe(0);
		const approved = weft(["--db", db, "approve", threadId]);
		expect(approved.stderr).not.toContain("does not record");
		expect(approved.code).toBe(0);
		const after = weft(["--db", db, "show", threadId, "--json"]);
		expect(after.json).toMatchObject({ values: { published: true } });
	});
});
