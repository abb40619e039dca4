// Outside check (7 Dec): some hints of `weft mcp`'s error results named what an MCP host cannot do: the
// same failing call (an unknown thread with continue: true), "raise recursionLimit in the run config",
// a resume "map by interrupt id"; and a graph name of 58 to 64 characters made a `_resume` tool name
// longer than MCP's 64.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/cli-error.ts";
import { parseGraphSpec } from "../src/commands/mcp.ts";
import { weftMcpTransport } from "./mcp-transport.ts";

const fixture = (name: string) =>
	fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe("weft mcp's hints", () => {
	let dir: string;
	let client: Client;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-hints-"));
		client = new Client({ name: "test", version: "1.0.0" });
		await client.connect(
			weftMcpTransport(join(dir, "weft.db"), [
				`loop=${fixture("loop-graph.ts")}#graph`,
				`both=${fixture("twin-graphs.ts")}#both`,
				`agent=${fileURLToPath(new URL("../templates/agent/src/agent.ts", import.meta.url))}#agent`,
			]),
		);
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const errorOf = async (name: string, args: Record<string, unknown>) => {
		const r = await client.callTool({ name, arguments: args });
		expect(r.isError).toBe(true);
		return (r.structuredContent as { error: { code: string; hint: string } })
			.error;
	};

	it("an unknown thread with continue: true is not hinted the same call", async () => {
		const error = await errorOf("loop_resume", {
			threadId: "no-such-thread",
			continue: true,
		});
		expect(error.code).toBe("NO_PENDING_INTERRUPT");
		expect(error.hint).not.toContain('"continue": true');
		expect(error.hint).toContain("call loop to start a new run");
	});

	it("the recursion limit is hinted as the call that runs on, not a run config", async () => {
		const error = await errorOf("loop", {});
		expect(error.code).toBe("GRAPH_RECURSION_LIMIT");
		expect(error.hint).not.toContain("recursionLimit");
		expect(error.hint).toMatch(
			/loop_resume with \{ "threadId": "[^"]+", "continue": true \}/,
		);
	});

	it("two pauses answered with one value: the hint names interruptId and the ids", async () => {
		const paused = await client.callTool({ name: "both", arguments: {} });
		const s = paused.structuredContent as {
			threadId: string;
			interrupts: { id: string }[];
		};
		expect(s.interrupts).toHaveLength(2);
		const error = await errorOf("both_resume", {
			threadId: s.threadId,
			resume: "yes",
		});
		expect(error.code).toBe("AMBIGUOUS_RESUME");
		expect(error.hint).toContain('"interruptId"');
		for (const { id } of s.interrupts) expect(error.hint).toContain(id);
	});

	it("an approval the run's scopes do not cover names what a host can do: reject it, or approve from a terminal", async () => {
		const paused = await client.callTool({
			name: "agent",
			arguments: { messages: [{ role: "user", content: "Tell Bob hi" }] },
		});
		const { threadId } = paused.structuredContent as { threadId: string };
		const error = await errorOf("agent_resume", {
			threadId,
			resume: { action: "approve" },
		});
		expect(error.code).toBe("VALIDATION_FAILED");
		// not "resume again with a value that matches the response schema": no value an MCP host sends approves it
		expect(error.hint).not.toContain("matches the response schema");
		expect(error.hint).toContain(`"action": "reject"`);
		expect(error.hint).toContain(`approve ${threadId} --scopes mail:send`);
		expect(error.hint).toContain(join(dir, "weft.db"));
	});

	it("refuses a graph name whose _resume tool would pass MCP's 64 characters", () => {
		const longest = "g".repeat(57);
		expect(parseGraphSpec(`${longest}=./x.ts`).name).toBe(longest);
		let error: unknown;
		try {
			parseGraphSpec(`${"g".repeat(58)}=./x.ts`);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).message).toContain("_resume");
		expect((error as UsageError).hint).toContain("57");
	});
});
