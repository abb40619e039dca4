import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";
import { weftSync as weft } from "./run-cli.ts";

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
			weftMcpTransport(join(dir, "weft.db"), [
				`review=${fixture}#graph`,
				`echo=${fixture}#echo`,
				`typed=${fixture}#typed`,
				`flaky=${fixture}#flaky`,
				`steps=${fixture}#steps`,
			]),
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
			"typed",
			"typed_resume",
			"flaky",
			"flaky_resume",
			"steps",
			"steps_resume",
		]);
		// a key the state lacks is refused: the schema says so; the resume tool takes a threadId and an
		// answer, or continue
		expect(tools[0]!.inputSchema).toMatchObject({
			additionalProperties: false,
		});
		expect(tools[1]!.inputSchema).toMatchObject({
			required: ["threadId"],
			additionalProperties: false,
		});
		expect(Object.keys(tools[1]!.inputSchema.properties ?? {})).toEqual([
			"threadId",
			"resume",
			"interruptId",
			"continue",
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
		// a valid answer to an id that is not pending: said as such (was an invalid answer)
		const wrongId = await client.callTool({
			name: "review_resume",
			arguments: {
				threadId: s.threadId,
				resume: { action: "approve" },
				interruptId: "nope",
			},
		});
		expect(wrongId.isError).toBe(true);
		expect(wrongId.structuredContent).toMatchObject({
			error: { code: "UNKNOWN_INTERRUPT_ID" },
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

	it("says how to go on in MCP's terms when a resume finds nothing waiting (no library call in its hint)", async () => {
		for (const threadId of ["never-ran", undefined]) {
			let id = threadId;
			if (id === undefined) {
				const ran = await client.callTool({
					name: "echo",
					arguments: { text: "x" },
				});
				id = (ran.structuredContent as { threadId: string }).threadId;
			}
			const r = await client.callTool({
				name: "echo_resume",
				arguments: { threadId: id, resume: "yes" },
			});
			expect(r.isError).toBe(true);
			const { error } = r.structuredContent as {
				error: { code: string; hint: string };
			};
			expect(error.code).toBe("NO_PENDING_INTERRUPT");
			expect(error.hint).toContain("echo");
			expect(error.hint).not.toMatch(/run\(|getState|null as input/);
		}
		// refused before any run: the thread that never ran is not recorded (it read "failed" in weft threads)
		const listed = weft(["--db", join(dir, "weft.db"), "threads", "--json"]);
		expect(listed.stdout).not.toContain("never-ran");
	});

	it("goes on with a failed run over MCP: its hint says how, and _resume with continue runs the failed step again", async () => {
		const failed = await client.callTool({
			name: "flaky",
			arguments: { to: "ann@example.com" },
		});
		expect(failed.isError).toBe(true);
		const { threadId, error } = failed.structuredContent as {
			threadId: string;
			error: { code: string; hint: string };
		};
		expect(error.code).toBe("NODE_FAILED");
		expect(error.hint).toContain(
			`flaky_resume with { "threadId": "${threadId}", "continue": true }`,
		);
		const again = await client.callTool({
			name: "flaky_resume",
			arguments: { threadId, continue: true },
		});
		expect(again.isError).toBeFalsy();
		expect(again.structuredContent).toEqual({
			status: "done",
			threadId,
			values: { to: "ann@example.com", sent: true },
		});
		// nothing to go on with on a thread that never ran: refused, nothing recorded
		const never = await client.callTool({
			name: "flaky_resume",
			arguments: { threadId: "never-ran-2", continue: true },
		});
		expect(never.structuredContent).toMatchObject({
			error: { code: "NO_PENDING_INTERRUPT" },
		});
	});

	it("tells a host that asks for progress the thread at once and each saved step (a long run's wait starts again)", async () => {
		const seen: { progress: number; message?: string | undefined }[] = [];
		const r = await client.callTool(
			{ name: "steps", arguments: {} },
			undefined,
			{ onprogress: (p) => seen.push(p), resetTimeoutOnProgress: true },
		);
		const { threadId } = r.structuredContent as { threadId: string };
		expect(r.structuredContent).toMatchObject({ status: "done" });
		// the SDK's client drops a notification read together with the answer (it handles notifications a
		// microtask later): the ones sent while the run went on arrive, the last may not
		const expected = [0, 1, 2, 3].map((n) => ({
			progress: n,
			message:
				n === 0
					? `thread ${threadId}: running`
					: `thread ${threadId}: step ${n - 1} saved`,
		}));
		expect(seen.length).toBeGreaterThanOrEqual(3);
		expect(seen).toEqual(expected.slice(0, seen.length));
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

	it("answers runs whose state is not JSON as done (or paused), bigint as a string, Date as ISO, Map as an object", async () => {
		const paused = await client.callTool({ name: "typed", arguments: {} });
		expect(paused.isError).toBeFalsy();
		const s = paused.structuredContent as {
			status: string;
			threadId: string;
			interrupts: { value: unknown }[];
		};
		expect(s.status).toBe("interrupted");
		expect(s.interrupts[0]?.value).toEqual({ ask: "go on?", n: "5" });
		const done = await client.callTool({
			name: "typed_resume",
			arguments: { threadId: s.threadId, resume: true },
		});
		expect(done.isError).toBeFalsy();
		expect(done.structuredContent).toEqual({
			status: "done",
			threadId: s.threadId,
			values: {
				n: (2n ** 70n).toString(),
				when: "2024-01-02T03:04:05.000Z",
				tags: { a: 1 },
			},
		});
	});

	it("refuses an unknown tool and resume calls without threadId or resume as invalid params, running nothing", async () => {
		const invalidParams = async (
			name: string,
			args: Record<string, unknown>,
		) => {
			const error = await client.callTool({ name, arguments: args }).then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(error, name).toBeInstanceOf(McpError);
			expect((error as McpError).code, name).toBe(ErrorCode.InvalidParams);
			// the client's prefix once (the server sent its message without one: outside audit, 2 Dec)
			expect((error as McpError).message, name).toMatch(
				/^MCP error -32602: (?!MCP error)/,
			);
			return (error as McpError).message;
		};
		expect(await invalidParams("nope", {})).toContain('"nope"');
		expect(await invalidParams("review_resume", { resume: {} })).toContain(
			"threadId",
		);
		expect(
			await invalidParams("review_resume", { threadId: 5, resume: {} }),
		).toContain("threadId");
		expect(
			await invalidParams("review_resume", { threadId: "t-none" }),
		).toContain("resume");
		expect(
			await invalidParams("review_resume", {
				threadId: "t-none",
				resume: {},
				continue: true,
			}),
		).toContain("not both");
		expect(
			await invalidParams("review_resume", {
				threadId: "t-none",
				continue: false,
			}),
		).toContain("continue must be true");
		expect(
			await invalidParams("review_resume", {
				threadId: "t-none",
				resume: {},
				bogus: 1,
			}),
		).toContain('"bogus"');
		expect(
			await invalidParams("review_resume", {
				threadId: "t-none",
				resume: {},
				interruptId: 3,
			}),
		).toContain("interruptId");
		const threads = weft(["--db", join(dir, "weft.db"), "threads", "--json"]);
		expect(threads.stdout).not.toContain("undefined");
	});

	it("refuses graph names whose tools would clash (x and x_resume) with CONFIG_INVALID", () => {
		const clash = weft([
			"mcp",
			"--graph",
			`x=${fixture}#echo`,
			"--graph",
			`x_resume=${fixture}#echo`,
		]);
		expect(clash.code).toBe(1);
		expect(clash.stderr).toContain("CONFIG_INVALID");
		expect(clash.stderr).toContain("x_resume");
	});

	it("says in its help where the runs of its tools are stored", () => {
		const help = weft(["mcp", "--help"]);
		expect(help.stdout).toContain("--db <file>");
		expect(help.stdout).toContain("--postgres <url>");
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
