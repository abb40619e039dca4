import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Command, isWeftError, MemoryCheckpointer } from "@weft/graph";
import {
	createAgent,
	loadMcpTools,
	ScriptedChatModel,
	toolNode,
	withScopes,
} from "@weft/graph/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER, startHttpServer } from "./mcp/start-server.ts";

const stdio = { command: process.execPath, args: [SERVER] };

describe("loadMcpTools", () => {
	let http: Awaited<ReturnType<typeof startHttpServer>>;
	beforeAll(async () => {
		http = await startHttpServer();
	});
	afterAll(async () => {
		await http.stop();
	});

	it("loads tools from a stdio server and runs them in an agent, with approvals", async () => {
		const mcp = await loadMcpTools({ calc: stdio });
		try {
			expect(mcp.tools.map((t) => t.name).sort()).toEqual([
				"add",
				"die",
				"fail",
				"shout",
				"slow",
				"wait",
			]);
			const model = new ScriptedChatModel([
				{ toolCalls: [{ name: "add", args: { a: 2, b: 3 }, id: "c1" }] },
				"2 + 3 = 5",
			]);
			const agent = createAgent({
				model,
				tools: mcp.tools,
				approve: ["add"],
				checkpointer: new MemoryCheckpointer(),
			});
			const paused = await agent.run(
				{ messages: [new HumanMessage("2+3?")] },
				{ threadId: "t" },
			);
			expect(paused.status).toBe("interrupted");
			const done = await agent.run(
				new Command({ resume: { action: "approve" } }),
				{ threadId: "t" },
			);
			const answer = done.values.messages.find((m): m is ToolMessage =>
				ToolMessage.isInstance(m),
			);
			expect(answer?.text).toBe("5");
		} finally {
			await mcp.close();
		}
	});

	it("loads tools over streamable HTTP on loopback; errors and bad arguments become error messages", async () => {
		await using mcp = await loadMcpTools(
			{ remote: { url: http.url } },
			{ prefix: true },
		);
		expect(mcp.tools.map((t) => t.name).sort()).toEqual([
			"remote__add",
			"remote__die",
			"remote__fail",
			"remote__shout",
			"remote__slow",
			"remote__wait",
		]);
		const node = toolNode(mcp.tools);
		const ai = new AIMessage({
			content: "",
			tool_calls: [
				{ name: "remote__shout", args: { text: "hi" }, id: "s1" },
				{ name: "remote__fail", args: {}, id: "f1" },
				{ name: "remote__add", args: { a: "x" }, id: "a1" },
			],
		});
		const { StateGraph, START } = await import("@weft/graph");
		const { AgentState } = await import("@weft/graph/llm");
		const graph = new StateGraph(AgentState)
			.addNode("tools", node)
			.addEdge(START, "tools")
			.compile();
		const out = await graph.invoke({ messages: [ai] });
		const answers = out.messages.filter((m): m is ToolMessage =>
			ToolMessage.isInstance(m),
		);
		expect(answers.map((m) => [m.tool_call_id, m.status ?? "success"])).toEqual(
			[
				["s1", "success"],
				["f1", "error"],
				["a1", "error"],
			],
		);
		expect(answers[0]?.text).toBe("HI");
		expect(answers[1]?.text).toContain("it broke");
		// bad arguments name the field at fault, as a zod tool's do
		expect(answers[2]?.text).toMatch(/properties\/a\b.*number/);
		expect(answers[2]?.text).toContain('"b"');
		// scopes apply to MCP tools as to any tool
		const shout = withScopes(
			mcp.tools.find((t) => t.name === "remote__shout")!,
			["text:write"],
		);
		const scoped = new StateGraph(AgentState)
			.addNode("tools", toolNode([shout]))
			.addEdge(START, "tools")
			.compile();
		const refused = await scoped.invoke({
			messages: [
				new AIMessage({
					content: "",
					tool_calls: [
						{ name: "remote__shout", args: { text: "x" }, id: "s2" },
					],
				}),
			],
		});
		expect(
			refused.messages.find((m): m is ToolMessage => ToolMessage.isInstance(m))
				?.status,
		).toBe("error");
	});

	// found by the outside audit (2 Dec): mcp.md promises stderr in error messages; a call's had none
	it("a server that dies in a call fails it MCP_TOOL_FAILED with what the server wrote to stderr", async () => {
		const mcp = await loadMcpTools({ calc: stdio });
		try {
			const die = mcp.tools.find((t) => t.name === "die")!;
			const error = await die.invoke({}).catch((e: unknown) => e);
			expect(isWeftError(error, "MCP_TOOL_FAILED")).toBe(true);
			expect((error as Error).message).toContain(
				"(stderr: dying now: out of coffee)",
			);
		} finally {
			await mcp.close();
		}
	});

	// found by the outside audit (2 Dec, obs): after a stdio server died, every later call of its tools
	// failed "Not connected" with the hint "the call may be retried", which never succeeds
	it("after its server died, a tool's calls say the server is gone and how to get it back, not 'retry'", async () => {
		const mcp = await loadMcpTools({ calc: stdio });
		try {
			const die = mcp.tools.find((t) => t.name === "die")!;
			const add = mcp.tools.find((t) => t.name === "add")!;
			const died = (await die.invoke({}).catch((e: unknown) => e)) as {
				message: string;
				hint?: string;
			};
			expect(isWeftError(died, "MCP_TOOL_FAILED")).toBe(true);
			expect(died.message).toContain('server "calc" closed its connection');
			expect(died.hint).not.toContain("retried");
			expect(died.hint).toContain("loadMcpTools");
			for (let i = 0; i < 2; i++) {
				const later = (await add
					.invoke({ a: 1, b: 2 })
					.catch((e: unknown) => e)) as { message: string; hint?: string };
				expect(isWeftError(later, "MCP_TOOL_FAILED")).toBe(true);
				expect(later.message).toMatch(
					/MCP tool "add" on server "calc" cannot be called: the server closed its connection/,
				);
				expect(later.message).toContain("(stderr: dying now: out of coffee)");
				expect(later.hint).toContain("loadMcpTools");
			}
		} finally {
			await mcp.close();
		}
		// a set closed by its owner says so
		const owned = await loadMcpTools({ calc: stdio });
		await owned.close();
		const add = owned.tools.find((t) => t.name === "add")!;
		const closed = (await add
			.invoke({ a: 1, b: 2 })
			.catch((e: unknown) => e)) as {
			message: string;
			hint?: string;
		};
		expect(isWeftError(closed, "MCP_TOOL_FAILED")).toBe(true);
		expect(closed.message).toContain("the tool set was closed");
		// a call in flight when the set is closed says so, not "may be retried"
		const busy = await loadMcpTools({ calc: stdio });
		const wait = busy.tools.find((t) => t.name === "wait")!;
		const inFlight = wait.invoke({ ms: 60_000 }).catch((e: unknown) => e);
		await new Promise((r) => setTimeout(r, 100)); // the request is on its way
		await busy.close();
		const cut = (await inFlight) as { message: string; hint?: string };
		expect(isWeftError(cut, "MCP_TOOL_FAILED")).toBe(true);
		expect(cut.message).toMatch(/the tool set was closed( during the call)?/);
		expect(cut.hint).not.toContain("retried");
	});

	it("refuses servers given as anything but { command } or { url } with CONFIG_INVALID, before starting any", async () => {
		for (const servers of [
			null,
			undefined,
			[],
			{ x: {} },
			{ x: null },
			{ x: { command: "" } },
			{ x: { url: 5 } },
		]) {
			const error = await loadMcpTools(servers as never).catch(
				(e: unknown) => e,
			);
			expect(
				isWeftError(error, "CONFIG_INVALID"),
				JSON.stringify(servers),
			).toBe(true);
			expect((error as { hint?: string }).hint).toContain("command");
		}
	});

	it("refuses options of the wrong kind or name with CONFIG_INVALID, before starting any server", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-mcp-options-"));
		try {
			const pidFile = join(dir, "server.pid");
			const servers = {
				calc: { ...stdio, env: { MCP_TEST_PID_FILE: pidFile } },
			};
			for (const options of [
				null,
				{ timeoutMs: -1 },
				{ timeoutMs: 1.5 },
				{ callTimeoutMs: "5s" },
				{ callTimeoutMs: 0 },
				{ prefix: "yes" },
				{ signal: {} },
				{ timeout: 5_000 },
			]) {
				const error = await loadMcpTools(servers, options as never).catch(
					(e: unknown) => e,
				);
				expect(
					isWeftError(error, "CONFIG_INVALID"),
					JSON.stringify(options),
				).toBe(true);
				expect((error as Error).message).toMatch(/^loadMcpTools: /);
			}
			expect(existsSync(pidFile)).toBe(false);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("callTimeoutMs bounds one call: MCP_TOOL_FAILED saying so, and the tools still answer", async () => {
		await using mcp = await loadMcpTools(
			{ calc: stdio },
			{ callTimeoutMs: 300 },
		);
		const wait = mcp.tools.find((t) => t.name === "wait")!;
		const error = await wait.invoke({ ms: 5_000 }).catch((e: unknown) => e);
		expect(isWeftError(error, "MCP_TOOL_FAILED")).toBe(true);
		expect((error as Error).message).toContain("no answer within 300 ms");
		expect((error as { hint?: string }).hint).toContain("callTimeoutMs");
		expect(await wait.invoke({ ms: 1 })).toBe("waited 1");
	});

	// outside checks (6 Dec): no call carried a progress token, so progress never started the wait again;
	// and a call cancelled by its signal was said to have timed out
	it("a server's progress starts the wait again; a cancel by the signal is said as one", async () => {
		await using mcp = await loadMcpTools(
			{ calc: stdio },
			{ callTimeoutMs: 400 },
		);
		const slow = mcp.tools.find((t) => t.name === "slow")!;
		expect(await slow.invoke({ ms: 1200, every: 100 })).toBe("slow 1200");
		const wait = mcp.tools.find((t) => t.name === "wait")!;
		const stop = new AbortController();
		setTimeout(() => stop.abort(new Error("my abort")), 50);
		const error = await wait
			.invoke({ ms: 5_000 }, { signal: stop.signal })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "MCP_TOOL_FAILED")).toBe(true);
		expect((error as Error).message).toContain("cancelled by its signal");
		expect((error as { hint?: string }).hint).not.toContain("callTimeoutMs");
	});

	it("fails with MCP_CONNECTION_FAILED naming the server, and closes the others", async () => {
		const bad = await loadMcpTools({
			calc: stdio,
			broken: { command: process.execPath, args: ["-e", "process.exit(3)"] },
		}).catch((e: unknown) => e);
		expect(isWeftError(bad, "MCP_CONNECTION_FAILED")).toBe(true);
		expect((bad as Error).message).toContain('"broken"');
		const missing = await loadMcpTools({
			nowhere: { command: "/nonexistent/weft-mcp" },
		}).catch((e: unknown) => e);
		expect(isWeftError(missing, "MCP_CONNECTION_FAILED")).toBe(true);
		const closedPort = await loadMcpTools(
			{ gone: { url: "http://127.0.0.1:9/mcp" } },
			{ timeoutMs: 2000 },
		).catch((e: unknown) => e);
		expect(isWeftError(closedPort, "MCP_CONNECTION_FAILED")).toBe(true);
		expect((closedPort as Error).message).toContain("http://127.0.0.1:9/mcp");
	});

	it("refuses two servers with the same tool name unless prefixed, and closes on abort", async () => {
		const twice = await loadMcpTools({ a: stdio, b: stdio }).catch(
			(e: unknown) => e,
		);
		expect(isWeftError(twice, "CONFIG_INVALID")).toBe(true);
		const controller = new AbortController();
		const mcp = await loadMcpTools({ a: stdio }, { signal: controller.signal });
		controller.abort();
		await new Promise((r) => setTimeout(r, 50));
		const node = toolNode(mcp.tools);
		const { StateGraph, START } = await import("@weft/graph");
		const { AgentState } = await import("@weft/graph/llm");
		const graph = new StateGraph(AgentState)
			.addNode("tools", node)
			.addEdge(START, "tools")
			.compile();
		const out = await graph.invoke({
			messages: [
				new AIMessage({
					content: "",
					tool_calls: [{ name: "add", args: { a: 1, b: 1 }, id: "x" }],
				}),
			],
		});
		const answer = out.messages.find((m): m is ToolMessage =>
			ToolMessage.isInstance(m),
		);
		expect(answer?.status).toBe("error");
	});

	// found by the outside audit (5 Dec): the signal was listened to only once the tools had loaded, so one
	// aborted before or during the load left every server it started running, with no set to close
	describe("a signal that aborts before the tools have loaded", () => {
		let dir: string;
		beforeAll(() => {
			dir = mkdtempSync(join(tmpdir(), "weft-mcp-abort-"));
		});
		afterAll(() => rmSync(dir, { recursive: true, force: true }));
		/** The test server, telling its pid through a file; `hang`: it never answers tools/list. */
		const server = (pidFile: string, hang = false) => ({
			command: process.execPath,
			args: hang ? [SERVER, "--hang-list"] : [SERVER],
			env: { MCP_TEST_PID_FILE: pidFile },
		});
		const alive = (pid: number) => {
			try {
				process.kill(pid, 0);
				return true;
			} catch {
				return false;
			}
		};

		it("already aborted: starts no server and rejects with the signal's reason", async () => {
			const pidFile = join(dir, "pre.pid");
			const reason = new Error("the app is shutting down");
			const out = await loadMcpTools(
				{ calc: server(pidFile) },
				{ signal: AbortSignal.abort(reason) },
			).catch((e: unknown) => e);
			if (!(out instanceof Error))
				await (out as { close(): Promise<void> }).close();
			expect(out).toBe(reason);
			expect(existsSync(pidFile)).toBe(false);
		});

		it("aborted while the tools are listed: stops the server it started and rejects with the reason", async () => {
			const pidFile = join(dir, "during.pid");
			const reason = new Error("the run was cancelled");
			const controller = new AbortController();
			const load = loadMcpTools(
				{ calc: server(pidFile, true) },
				{ signal: controller.signal },
			).catch((e: unknown) => e);
			while (!existsSync(pidFile) || readFileSync(pidFile, "utf8") === "")
				await new Promise((r) => setTimeout(r, 20));
			const pid = Number(readFileSync(pidFile, "utf8"));
			controller.abort(reason);
			expect(await load).toBe(reason);
			expect(alive(pid)).toBe(false);
		});

		it("timeoutMs bounds the listing of tools as well as the handshake", async () => {
			const pidFile = join(dir, "hang.pid");
			const error = await loadMcpTools(
				{ calc: server(pidFile, true) },
				// long enough for a loaded machine to start the server and shake hands (the listing never ends)
				{ timeoutMs: 5_000 },
			).catch((e: unknown) => e);
			expect(isWeftError(error, "MCP_CONNECTION_FAILED")).toBe(true);
			expect((error as Error).message).toMatch(/"calc".*timed out/);
			expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
		});
	});
});
