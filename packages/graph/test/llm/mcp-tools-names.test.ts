import { isWeftError } from "@weft/graph";
import { loadMcpTools } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { SERVER } from "./mcp/start-server.ts";

type Failure = { message: string; hint?: string };
const failure = (p: Promise<unknown>) =>
	p.then(
		(v) => {
			throw new Error(`expected a failure, got ${String(v)}`);
		},
		(e: unknown) => e as Failure,
	);

const LONG = "x".repeat(80);
/** A stdio server with tools of these names (each answering its name). */
const named = (...names: string[]) => ({
	command: process.execPath,
	args: [SERVER, `--names=${names.join(",")}`],
});

// found by the outside audit (7 Dec): tool names model providers refuse (`get.weather`, `has space`, 80
// characters, or `my server.v2__get.weather` with prefix) were loaded unchecked, and failed only at the
// provider, on the first model call
describe("loadMcpTools: tool names (decision 0220)", () => {
	it.each([["get.weather"], ["has space"], [LONG]])(
		"refuses a tool named %j with CONFIG_INVALID naming it, its server and rename",
		async (bad) => {
			const error = await failure(
				loadMcpTools({ weather: named("ok_tool", bad) }),
			);
			expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
			expect(error.message).toContain(
				`MCP tool ${JSON.stringify(bad)} of server "weather" would be named ${JSON.stringify(bad)}, which model providers refuse`,
			);
			expect(error.hint).toContain("rename");
		},
	);

	it("rename gives tools valid names (calls reach the server's tool), or leaves them out with null", async () => {
		await using mcp = await loadMcpTools(
			{ weather: named("get.weather", "has space", LONG, "drop.me") },
			{
				rename: (tool, server) => {
					expect(server).toBe("weather");
					return tool === "drop.me"
						? null
						: tool.replace(/[^\w-]/g, "_").slice(0, 64);
				},
			},
		);
		expect(mcp.tools.map((t) => t.name).sort()).toEqual([
			"get_weather",
			"has_space",
			"x".repeat(64),
		]);
		const get = mcp.tools.find((t) => t.name === "get_weather")!;
		// the server's name, for whoever needs it
		expect(
			(get as { metadata?: Record<string, unknown> }).metadata?.mcpTool,
		).toBe("get.weather");
		expect(await get.invoke({})).toBe("get.weather");
	});

	it("with prefix, refuses a server key that cannot start a tool name, before starting any server", async () => {
		for (const key of ["my server.v2", "", "k".repeat(62)]) {
			const error = await failure(
				loadMcpTools({ [key]: { command: "/nonexistent" } }, { prefix: true }),
			);
			expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
			expect(error.message).toContain(
				`MCP server key ${JSON.stringify(key)} cannot start tool names`,
			);
		}
		// the same keys are fine without prefix (they name no tool)
		const unprefixed = await failure(
			loadMcpTools({ "my server.v2": { command: "/nonexistent" } }),
		);
		expect(isWeftError(unprefixed, "MCP_CONNECTION_FAILED")).toBe(true);
	});

	it("with prefix, refuses a name over 64 characters, saying to shorten the key or rename", async () => {
		const key = "k".repeat(40);
		const error = await failure(
			loadMcpTools({ [key]: named("t".repeat(30)) }, { prefix: true }),
		);
		expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
		expect(error.message).toContain(`${key}__${"t".repeat(30)}`);
		expect(error.hint).toContain("shorter key");
		await using mcp = await loadMcpTools(
			{ [key]: named("t".repeat(30)) },
			{ prefix: true, rename: () => "t" },
		);
		expect(mcp.tools.map((t) => t.name)).toEqual([`${key}__t`]);
	});

	it("refuses a rename that makes two tools one name, or gives no name, and a rename that is no function", async () => {
		const clash = await failure(
			loadMcpTools(
				{ weather: named("get.weather", "get_weather") },
				{ rename: (t) => t.replace(".", "_") },
			),
		);
		expect(isWeftError(clash, "CONFIG_INVALID")).toBe(true);
		expect(clash.message).toContain(
			'MCP server "weather" would have two tools named "get_weather"',
		);
		const nameless = await failure(
			loadMcpTools(
				{ weather: named("get.weather") },
				{ rename: () => 3 as unknown as string },
			),
		);
		expect(isWeftError(nameless, "CONFIG_INVALID")).toBe(true);
		expect(nameless.message).toContain("rename gave");
		const notAFunction = await failure(
			loadMcpTools(
				{ weather: { command: "/nonexistent" } },
				{ rename: { "get.weather": "x" } as never },
			),
		);
		expect(isWeftError(notAFunction, "CONFIG_INVALID")).toBe(true);
		expect(notAFunction.message).toContain("rename must be a function");
	});
});
