import { isWeftError } from "@weft/graph";
import { loadMcpTools } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { SERVER, startHttpServer } from "./mcp/start-server.ts";

type Failure = { message: string; hint?: string };
const failure = (p: Promise<unknown>) =>
	p.then(
		(v) => {
			throw new Error(`expected a failure, got ${String(v)}`);
		},
		(e: unknown) => e as Failure,
	);

describe("loadMcpTools: connections that break (decision 0220)", () => {
	// found by the outside audit (7 Dec): over HTTP a server that died mid-call left the call waiting the
	// whole callTimeoutMs, then "no answer within … ms" advising a longer timeout; the next call failed a
	// bare "fetch failed" without the reload guidance
	it.each([
		["before answering", {}],
		["once its answer's stream has started", { afterMs: 100 }],
	])(
		"over HTTP, a server that dies in a call (%s) fails it at once saying so; later calls say how to get it back",
		async (_, args) => {
			const http = await startHttpServer();
			try {
				const mcp = await loadMcpTools(
					{ remote: { url: http.url } },
					// far above the test's own timeout: the call must fail on the broken connection, not on this
					{ callTimeoutMs: 600_000 },
				);
				try {
					const tool = (n: string) => mcp.tools.find((t) => t.name === n)!;
					expect(await tool("add").invoke({ a: 1, b: 2 })).toBe("3");
					const died = await failure(tool("die").invoke(args));
					expect(isWeftError(died, "MCP_TOOL_FAILED")).toBe(true);
					expect(died.message).toMatch(
						/MCP tool "die" on server "remote" failed: the connection to server "remote" broke during the call \(.+\)/,
					);
					expect(died.message).not.toContain("no answer within");
					expect(died.hint).toContain(
						"whether the call took effect is unknown",
					);
					expect(died.hint).toContain("loadMcpTools");
					expect(died.hint).not.toContain("callTimeoutMs");
					const later = await failure(tool("add").invoke({ a: 1, b: 2 }));
					expect(isWeftError(later, "MCP_TOOL_FAILED")).toBe(true);
					// refused; or, sent on a kept-alive socket the dead server left before fetch saw it close, cut
					expect(later.message).toMatch(
						/MCP tool "add" on server "remote" failed: (server "remote" could not be reached \(fetch failed: .*ECONNREFUSED|the connection to server "remote" broke during the call \(fetch failed)/,
					);
					expect(later.hint).toContain("loadMcpTools");
					expect(later.hint).not.toContain("retried");
				} finally {
					await mcp.close();
				}
			} finally {
				await http.stop();
			}
		},
	);

	// found by the outside audit (7 Dec): an answer over the stdio transport's buffer (10 MB) closed the
	// connection and was reported as the server having closed it, the size never said
	it("an answer over maxMessageBytes fails MCP_TOOL_FAILED saying so; maxMessageBytes raises the limit", async () => {
		const big = { command: process.execPath, args: [SERVER, "--big"] };
		const mcp = await loadMcpTools({ big }, { maxMessageBytes: 100_000 });
		try {
			const tool = mcp.tools.find((t) => t.name === "big")!;
			expect(await tool.invoke({ bytes: 50_000 })).toHaveLength(50_000);
			const over = await failure(tool.invoke({ bytes: 200_000 }));
			expect(isWeftError(over, "MCP_TOOL_FAILED")).toBe(true);
			expect(over.message).toContain(
				'MCP tool "big" on server "big" failed: its answer was larger than maxMessageBytes (100000 bytes)',
			);
			expect(over.hint).toContain("maxMessageBytes");
			expect(over.hint).toContain("loadMcpTools");
			// the transport closed the connection (and stopped the server): later calls say why
			const later = await failure(tool.invoke({ bytes: 10 }));
			expect(later.message).toContain(
				"cannot be called: an answer of the server was larger than maxMessageBytes (100000 bytes)",
			);
			expect(later.hint).toContain("maxMessageBytes");
		} finally {
			await mcp.close();
		}
		await using raised = await loadMcpTools(
			{ big },
			{ maxMessageBytes: 400_000 },
		);
		const tool = raised.tools.find((t) => t.name === "big")!;
		expect(await tool.invoke({ bytes: 200_000 })).toHaveLength(200_000);
	});

	it("refuses a maxMessageBytes that is not a whole number of bytes above 0", async () => {
		for (const maxMessageBytes of [0, -1, 1.5, "10mb"]) {
			const error = await failure(
				loadMcpTools(
					{ big: { command: "/nonexistent" } },
					{ maxMessageBytes: maxMessageBytes as number },
				),
			);
			expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
			expect(error.message).toContain("maxMessageBytes");
		}
	});
});
